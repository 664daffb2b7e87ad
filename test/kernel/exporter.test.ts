/**
 * `exporter` on the real kernel, scraped over the loopback of a namespace of the test's own (the
 * clients run inside it: test/helpers/http-probe.ts). While 2,000 MPTCP connections are made
 * (the monitor storm's helper) every scrape answers and no counter goes down; afterwards the
 * counters equal `stats --json` of each namespace and the events equal the connections made.
 * 50 slow clients do not keep a normal scrape from answering (a 1 s deadline: liveness, not
 * speed) and are cut off by the server; memory stays bounded over 10,000 scrapes; the output
 * passes promtool; requests with bodies and other methods are refused; SIGTERM ends it with 0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliCommand, runCli } from '../helpers/cli.js';
import { runStorm, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { reap } from '../helpers/reaper.js';

const CONNECTIONS = 2000;
const CLIENTS = 4;
const PORT = 5600;
const probeScript = resolve(repoRoot, 'build/test/helpers/http-probe.js');

let pair: NetnsPair;
let port = 0;
let server: Peer | undefined;

/** Runs the HTTP probe inside namespace a (where the exporter listens); resolves with its JSON line. */
const probe = <T>(...args: string[]): Promise<T> => probeAt<T>(port, ...args);

function probeAt<T>(at: number, ...args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = reap(spawn('ip', ['netns', 'exec', pair.a, process.execPath, probeScript, args[0]!, String(at), ...args.slice(1)]));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Bounded: a probe that hangs fails the test instead.
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`http-probe ${args.join(' ')} exited ${code}: ${err}${out}`));
      resolvePromise(JSON.parse(out) as T);
    });
  });
}

const scrape = async (): Promise<string> => {
  const r = await probe<{ status: number; body: string }>('get', '/metrics');
  assert.equal(r.status, 200);
  return r.body;
};

/** `metric{labels} value` lines of one metric whose labels include `netns="NS"`, by their other labels. */
function series(body: string, metric: string, netns: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of body.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const labels = m[1]!.split(',').filter((l) => l !== `netns="${netns}"`);
    if (labels.length === m[1]!.split(',').length) continue;
    out.set(labels.join(','), Number(m[2]));
  }
  return out;
}

const rss = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** The exporter, started inside namespace a (`ip netns exec` execs it in place: the PID is its own). */
function startExporter(
  args = ['-n', pair.a, '-n', pair.b],
  prefix: string[] = [],
): { pid: number; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = reap(spawn('ip', ['netns', 'exec', pair.a, ...prefix, ...cliCommand, 'exporter', '--listen', '127.0.0.1:0', ...args]));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { pid: child.pid!, stderr: () => err, exited };
}

let exporter: ReturnType<typeof startExporter> | undefined;

before(async () => {
  pair = createNetnsPair('exp', 1);
  exporter = startExporter();
  const deadline = Date.now() + 30_000;
  while (!/listening on http:\/\/127\.0\.0\.1:\d+\//.test(exporter.stderr())) {
    if (Date.now() > deadline) throw new Error(`the exporter did not listen: ${exporter.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  port = Number(/127\.0\.0\.1:(\d+)\//.exec(exporter.stderr())![1]);
});

// The exporter (and any probe a failed test left) is ended by test/helpers/reaper.ts before this runs.
after(async () => {
  await server?.stop();
  deleteNetns(pair.a);
  deleteNetns(pair.b);
});

/** Polls until `done` holds; the limit only turns a hang into a failure. */
async function waitFor(what: string, done: () => Promise<boolean>, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('exporter', () => {
  test('usage errors exit 2 before anything is opened: every -n is checked, --listen, --max-age', () => {
    for (const args of [['-n', '../x', '-n', pair.a, 'exporter'], ['exporter', '-n', pair.a, '-n', 'a/b'], ['exporter', '--listen', '1.2.3.4'], ['exporter', '--max-age', '-1']]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mptcpctl: invalid (-n|network namespace name|--listen|--max-age) /);
    }
  });

  test(`scraped while ${CONNECTIONS} connections are made: every scrape answers, counters never go down, then equal stats --json`, async (t) => {
    const { a, b, links } = pair;
    ip(a, 'mptcp', 'endpoint', 'add', links[0]!.a4, 'id', '3', 'dev', links[0]!.a, 'signal');
    // Scrapes run on from before the storm until after it.
    const during = reap(spawn('ip', ['netns', 'exec', a, process.execPath, probeScript, 'during', String(port)]));
    let duringOut = '';
    during.stdout.on('data', (d: Buffer) => (duringOut += d.toString()));
    const duringExit = new Promise<void>((r) => during.once('exit', () => r()));
    try {
      server = await startServer(b, '0.0.0.0', PORT);
      await Promise.all(Array.from({ length: CLIENTS }, () => runStorm(a, links[0]!.b4, PORT, CONNECTIONS / CLIENTS, 300_000)));
      // Every connection has been closed on both sides once the monitors counted them.
      await waitFor(`${CONNECTIONS} CLOSED events on each side`, async () => {
        const body = await scrape();
        return [a, b].every((ns) => (series(body, 'mptcp_events_total', ns).get('event="CLOSED"') ?? 0) >= CONNECTIONS);
      });
    } finally {
      during.stdin.end();
      await duringExit;
    }
    const d = JSON.parse(duringOut) as { count: number; failures: number; decreases: number };
    t.diagnostic(`scrapes during the storm: ${duringOut.trim()}`);
    assert.ok(d.count > 0, duringOut);
    assert.equal(d.failures, 0, duringOut);
    assert.equal(d.decreases, 0, duringOut);

    // At rest: past --max-age, a scrape reads the kernel again; it must equal stats --json.
    await new Promise((r) => setTimeout(r, 1100));
    const body = await scrape();
    for (const ns of [a, b]) {
      const r = runCli(['-n', ns, '-j', 'stats', '--all']);
      assert.equal(r.status, 0, r.stderr);
      const stats = (JSON.parse(r.stdout) as { counters: Record<string, number> }).counters;
      const exported = new Map([...series(body, 'mptcp_netstat_total', ns), ...series(body, 'mptcp_netstat_current', ns)].map(([k, v]) => [/counter="([^"]+)"/.exec(k)![1]!, v]));
      assert.deepEqual(Object.fromEntries(exported), stats, ns);
      assert.ok(stats['MPCapableSYNTX']! + stats['MPCapableSYNRX']! >= CONNECTIONS, 'the storm is in the counters');
      const events = series(body, 'mptcp_events_total', ns);
      assert.equal(events.get('event="CREATED"'), CONNECTIONS, `${ns}: one CREATED per connection`);
      assert.equal(events.get('event="ESTABLISHED"'), CONNECTIONS);
      assert.equal(series(body, 'mptcp_events_lost_total', ns).get(''), 0);
      assert.equal(series(body, 'mptcp_namespace_up', ns).get(''), 1);
    }
    assert.equal(series(body, 'mptcp_endpoint_info', a).get('id="3",address="10.1.0.1",dev="va0",flags="signal"'), 1);
    assert.equal(series(body, 'mptcp_connections', b).get('state="LISTEN",side="server"'), 1);
    assert.equal(series(body, 'mptcp_limit_subflows', a).get(''), 2);
    // The storm's connections are gone: no series per connection, and a bounded number in all.
    assert.ok(body.split('\n').filter((l) => l && !l.startsWith('#')).length < 400);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.equal(check.stdout + check.stderr, '', 'no lint remark');
  });

  test('50 slow clients: a normal scrape still answers within a 1 s deadline, and the server cuts them off', async () => {
    const r = await probe<{ scrape: { status?: number; error?: string }; closedByServer: number; n: number }>('slow', '50');
    assert.equal(r.scrape.status, 200, JSON.stringify(r));
    assert.equal(r.closedByServer, 50, 'every slow client was closed by the header deadline');
  });

  test('no bodies, no other methods, unknown paths 404, /healthz', async () => {
    const post = await probe<{ response: string }>('raw', JSON.stringify('POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'));
    assert.match(post.response, /^HTTP\/1\.1 405 /);
    const body = await probe<{ response: string }>('raw', JSON.stringify('GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n'));
    assert.match(body.response, /^HTTP\/1\.1 413 /);
    const chunked = await probe<{ response: string }>('raw', JSON.stringify('GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'));
    assert.match(chunked.response, /^HTTP\/1\.1 413 /);
    const huge = await probe<{ response: string }>('raw', JSON.stringify(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`));
    assert.match(huge.response, /^HTTP\/1\.1 4\d\d /);
    assert.equal((await probe<{ status: number }>('get', '/nothing')).status, 404);
    const health = await probe<{ status: number; body: string }>('get', '/healthz');
    assert.deepEqual([health.status, health.body], [200, 'ok\n']);
  });

  test('memory stays bounded over 10,000 scrapes', async (t) => {
    // Warm-up: heaps and caches reach their working size.
    assert.deepEqual(await probe('loop', '1000', '4'), { count: 1000, failures: 0 });
    const warm = rss(exporter!.pid);
    assert.deepEqual(await probe('loop', '9000', '4'), { count: 9000, failures: 0 });
    const end = rss(exporter!.pid);
    t.diagnostic(`exporter RSS after 1,000 scrapes ${(warm / 2 ** 20).toFixed(1)} MiB, after 10,000 ${(end / 2 ** 20).toFixed(1)} MiB`);
    // Generous: a leak of even 5 KiB per scrape would pass 40 MiB.
    assert.ok(end - warm < 40 * 2 ** 20, `RSS ${warm} -> ${end} bytes`);
  });

  test('memory and descriptors stay bounded when every scrape reads the kernel (--max-age 0)', async (t) => {
    const fresh = startExporter(['--max-age', '0', '--no-events', '-n', pair.a, '-n', pair.b]);
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on/.test(fresh.stderr())) {
        if (Date.now() > deadline) throw new Error(`the exporter did not listen: ${fresh.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const at = Number(/127\.0\.0\.1:(\d+)\//.exec(fresh.stderr())![1]);
      const fds = (): number => readdirSync(`/proc/${fresh.pid}/fd`).length;
      assert.deepEqual(await probeAt(at, 'loop', '300', '2'), { count: 300, failures: 0 });
      const warm = { rss: rss(fresh.pid), fds: fds() };
      assert.deepEqual(await probeAt(at, 'loop', '1500', '2'), { count: 1500, failures: 0 });
      const end = { rss: rss(fresh.pid), fds: fds() };
      t.diagnostic(`--max-age 0: RSS ${(warm.rss / 2 ** 20).toFixed(1)} -> ${(end.rss / 2 ** 20).toFixed(1)} MiB, descriptors ${warm.fds} -> ${end.fds}`);
      assert.ok(end.rss - warm.rss < 40 * 2 ** 20, `RSS ${warm.rss} -> ${end.rss} bytes`);
      // Netlink sockets are opened and closed by every reading: none may be left behind.
      assert.ok(end.fds <= warm.fds + 2, `descriptors ${warm.fds} -> ${end.fds}`);
    } finally {
      process.kill(fresh.pid, 'SIGTERM');
      assert.deepEqual(await fresh.exited, { code: 0, signal: null });
    }
  });

  test('as nobody (no CAP_NET_ADMIN): the events are counted as errors and said once, the rest is served', async () => {
    const nobody = startExporter([], ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    try {
      const deadline = Date.now() + 30_000;
      while (!/events are not counted/.test(nobody.stderr())) {
        if (Date.now() > deadline) throw new Error(`no word about the events: ${nobody.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(nobody.stderr(), /^mptcpctl: exporter: events are not counted: joining the event group needs CAP_NET_ADMIN; retrying every 5 s$/m);
      const at = Number(/127\.0\.0\.1:(\d+)\//.exec(nobody.stderr())![1]);
      // Past --max-age of the first reading, which may predate the failed subscription.
      await new Promise((r) => setTimeout(r, 1100));
      const r = await probeAt<{ status: number; body: string }>(at, 'get', '/metrics');
      assert.equal(r.status, 200);
      assert.match(r.body, /^mptcp_exporter_scrape_errors_total\{part="events"\} [1-9]/m);
      assert.match(r.body, /^mptcp_namespace_up 1$/m);
      assert.match(r.body, /^mptcp_limit_subflows 2$/m);
      assert.match(r.body, /^mptcp_netstat_total\{counter="MPCapableSYNTX"\} \d+$/m);
    } finally {
      process.kill(nobody.pid, 'SIGTERM');
      assert.deepEqual(await nobody.exited, { code: 0, signal: null });
    }
  });

  test('a port already taken: one line, exit status 1', () => {
    const r = spawnSync('ip', ['netns', 'exec', pair.a, ...cliCommand, 'exporter', '--listen', `127.0.0.1:${port}`, '--no-events'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `mptcpctl: listen (127.0.0.1:${port}): Address already in use [EADDRINUSE]\n`);
  });

  test('SIGTERM stops it cleanly: exit status 0, the port closed', async () => {
    process.kill(exporter!.pid, 'SIGTERM');
    assert.deepEqual(await exporter!.exited, { code: 0, signal: null });
    exporter = undefined;
    await assert.rejects(probe('get', '/healthz'));
  });
});
