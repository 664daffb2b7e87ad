/**
 * `config follow` against the real kernel: the endpoint table converges to what the rules say
 * after each address or link change (polled with `ip mptcp endpoint show` until it matches or 2 s
 * pass: a convergence bound, not a speed measure), DAD is waited for, unsafe addresses are
 * skipped, the budget follows rule order, `unlisted: keep` is respected, SIGTERM ends it with
 * status 0 leaving the table as it is, and systemd hears READY=1.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cliCommand } from '../helpers/cli.js';
import { addVethPair, createNetns, deleteNetns, ip, sysctl } from '../helpers/netns.js';
import { reap } from '../helpers/reaper.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-follow-'));
const made: string[] = [];
// Followers a failed test left running are ended by test/helpers/reaper.ts before this runs.
after(() => {
  for (const ns of made) deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});

interface Follower {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  /** Resolves with the first JSON line (from now on or already seen) that `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM; resolves with the exit status. */
  stop(): Promise<number | null>;
}

function follow(ns: string, yaml: string, env: NodeJS.ProcessEnv = {}): Follower {
  const path = join(work, `${ns}.yaml`);
  writeFileSync(path, yaml);
  const child = reap(spawn(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, '-j', 'config', 'follow', path], { env: { ...process.env, ...env } }));
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    waitFor(match, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such line; got ${JSON.stringify(lines)}; stderr ${stderr}`)), timeoutMs);
        const check = (): void => {
          const found = lines.find(match);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const endpoints = (ns: string): string => ip(ns, 'mptcp', 'endpoint', 'show');

/** Polls ip's endpoint table until `expected` (a predicate or exact text) holds, or 2 s pass. */
async function converges(ns: string, expected: string | ((table: string) => boolean), what: string): Promise<void> {
  const ok = typeof expected === 'string' ? (t: string) => t === expected : expected;
  const deadline = Date.now() + 2000;
  let table = endpoints(ns);
  while (!ok(table) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    table = endpoints(ns);
  }
  assert.ok(ok(table), `${what}: the table did not converge within 2 s:\n${table}${typeof expected === 'string' ? `\nexpected:\n${expected}` : ''}`);
}

/** A namespace with eth0 (veth, its peer eth9 up beside it, so DAD runs on a carrier). */
function namespace(prefix: string): string {
  const ns = createNetns(prefix);
  made.push(ns);
  addVethPair(ns, 'eth0', 'eth9');
  return ns;
}

const ready = (l: Record<string, unknown>): boolean => l['event'] === 'ready';

describe('config follow', () => {
  let ns: string;
  let f: Follower;
  before(async () => {
    ns = namespace('cff');
    sysctl(ns, 'net.ipv6.conf.eth0.use_tempaddr', 2);
    f = follow(ns, 'rules:\n  - interfaces: ["eth0", "veth*"]\n    flags: [subflow]\nunlisted: remove\n');
    await f.waitFor(ready);
  });
  after(async () => {
    if (f.child.exitCode === null) await f.stop();
  });

  test('IPv4 address added and deleted', async () => {
    ip(ns, 'addr', 'add', '10.5.0.1/24', 'dev', 'eth0');
    await converges(ns, (t) => /^10\.5\.0\.1 id \d+ subflow dev eth0 \n$/.test(t), 'IPv4 added');
    ip(ns, 'addr', 'del', '10.5.0.1/24', 'dev', 'eth0');
    await converges(ns, '', 'IPv4 deleted');
  });

  test('IPv6 nodad at once; with DAD only after DAD', async () => {
    ip(ns, 'addr', 'add', '2001:db8:5::1/64', 'dev', 'eth0', 'nodad');
    await converges(ns, (t) => /^2001:db8:5::1 id \d+ subflow dev eth0 \n$/.test(t), 'IPv6 nodad');
    ip(ns, 'addr', 'add', '2001:db8:6::1/64', 'dev', 'eth0');
    // While the address is tentative it must have no endpoint (every subflow from it would fail to bind).
    // The table is read first: an address still tentative after the read was tentative during it.
    // Only that address's own line counts (`-o`: one line per address); eth0's link-local address
    // may still be in DAD too, and its flag must not be read as this one's.
    const stillTentative = (): boolean =>
      ip(ns, '-o', '-6', 'addr', 'show', 'dev', 'eth0').split('\n').some((line) => line.includes(' 2001:db8:6::1/64 ') && / tentative\b/.test(line));
    for (;;) {
      const table = endpoints(ns);
      if (!stillTentative()) break;
      assert.doesNotMatch(table, /2001:db8:6::1/);
      await new Promise((r) => setTimeout(r, 20));
    }
    await converges(ns, (t) => /2001:db8:6::1 id \d+ subflow dev eth0/.test(t), 'IPv6 after DAD');
    await f.waitFor((l) => l['event'] === 'skipped' && JSON.stringify(l).includes('2001:db8:6::1') && JSON.stringify(l).includes('tentative'));
    ip(ns, 'addr', 'del', '2001:db8:5::1/64', 'dev', 'eth0');
    ip(ns, 'addr', 'del', '2001:db8:6::1/64', 'dev', 'eth0');
    await converges(ns, '', 'IPv6 deleted');
  });

  test('temporary and ULA addresses get no endpoint, and are reported', async () => {
    ip(ns, 'addr', 'add', 'fd00:1::1/64', 'dev', 'eth0', 'nodad');
    // mngtmpaddr + use_tempaddr: the kernel makes a temporary (privacy) address from this one.
    ip(ns, 'addr', 'add', '2001:db8:7::1/64', 'dev', 'eth0', 'mngtmpaddr', 'nodad');
    await converges(ns, (t) => /^2001:db8:7::1 id \d+ subflow dev eth0 \n$/.test(t), 'mngtmpaddr');
    let temporary = '';
    for (let i = 0; i < 100 && !temporary; i++) {
      temporary = /inet6 (2001:db8:7:[0-9a-f:]+)\/64 scope global temporary dynamic/.exec(ip(ns, '-6', 'addr', 'show', 'dev', 'eth0'))?.[1] ?? '';
      if (!temporary) await new Promise((r) => setTimeout(r, 50));
    }
    assert.notEqual(temporary, '', 'the kernel made no temporary address');
    await f.waitFor((l) => l['event'] === 'skipped' && JSON.stringify(l).includes(`"address":"${temporary}","dev":"eth0","reason":"temporary"`));
    await f.waitFor((l) => l['event'] === 'skipped' && JSON.stringify(l).includes('"address":"fd00:1::1","dev":"eth0","reason":"ULA"'));
    assert.equal(endpoints(ns).split('\n').filter(Boolean).length, 1);
    ip(ns, 'addr', 'flush', 'dev', 'eth0', 'scope', 'global');
    await converges(ns, '', 'flushed');
  });

  test('link down removes the endpoints, up brings them back', async () => {
    ip(ns, 'addr', 'add', '10.6.0.1/24', 'dev', 'eth0');
    await converges(ns, (t) => t.includes('10.6.0.1'), 'added');
    ip(ns, 'link', 'set', 'eth0', 'down');
    await converges(ns, '', 'link down');
    ip(ns, 'link', 'set', 'eth0', 'up');
    await converges(ns, (t) => /^10\.6\.0\.1 id \d+ subflow dev eth0 \n$/.test(t), 'link up');
    ip(ns, 'addr', 'del', '10.6.0.1/24', 'dev', 'eth0');
    await converges(ns, '', 'deleted');
  });

  test('interface deleted and recreated', async () => {
    for (const [made, gone] of [['created', 'deleted'], ['recreated', 'deleted again']] as const) {
      ip(ns, 'link', 'add', 'veth5', 'type', 'veth', 'peer', 'name', 'peer5');
      ip(ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'veth5');
      ip(ns, 'link', 'set', 'peer5', 'up');
      ip(ns, 'link', 'set', 'veth5', 'up');
      await converges(ns, (t) => /^10\.7\.0\.1 id \d+ subflow dev veth5 \n$/.test(t), made);
      ip(ns, 'link', 'del', 'veth5');
      await converges(ns, '', gone);
    }
  });

  test('SIGTERM: exit status 0 and the table left as it was', async () => {
    ip(ns, 'addr', 'add', '10.8.0.1/24', 'dev', 'eth0');
    await converges(ns, (t) => t.includes('10.8.0.1'), 'added');
    const table = endpoints(ns);
    assert.equal(await f.stop(), 0);
    assert.equal(endpoints(ns), table);
  });
});

describe('config follow: budget, unlisted keep, systemd', () => {
  test('more candidates than slots: rule order decides, the rest is reported', async () => {
    const ns = namespace('cfb');
    ip(ns, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wanp');
    for (const l of ['wan0', 'wanp']) ip(ns, 'link', 'set', l, 'up');
    for (let i = 1; i <= 6; i++) ip(ns, 'addr', 'add', `10.1.0.${i}/24`, 'dev', 'eth0');
    for (let i = 1; i <= 4; i++) ip(ns, 'addr', 'add', `10.2.0.${i}/24`, 'dev', 'wan0');
    const f = follow(ns, 'rules:\n  - interfaces: [wan0]\n    flags: [subflow, backup]\n    ids: 20-29\n  - interfaces: [eth0]\n    flags: [subflow]\n');
    try {
      await f.waitFor(ready);
      await converges(ns, (t) => t.split('\n').filter(Boolean).length === 8, 'eight endpoints');
      const table = endpoints(ns);
      for (let i = 1; i <= 4; i++) assert.match(table, new RegExp(`^10\\.2\\.0\\.${i} id 2${i - 1} subflow backup dev wan0 $`, 'm'));
      for (let i = 1; i <= 4; i++) assert.match(table, new RegExp(`^10\\.1\\.0\\.${i} id \\d+ subflow dev eth0 $`, 'm'));
      const skipped = (await f.waitFor((l) => l['event'] === 'skipped'))['skipped'] as { address: string; reason: string; rule: number }[];
      assert.deepEqual(skipped.map((s) => `${s.address} ${s.rule}`), ['10.1.0.5 2', '10.1.0.6 2']);
      assert.match(skipped[0]!.reason, /no endpoint slot left/);
      // A slot freed: the next address in order takes it.
      ip(ns, 'addr', 'del', '10.2.0.4/24', 'dev', 'wan0');
      await converges(ns, (t) => t.includes('10.1.0.5 ') && !t.includes('10.2.0.4 '), 'slot handed on');
    } finally {
      assert.equal(await f.stop(), 0);
    }
  });

  test('unlisted: keep never touches endpoints outside the file; its own go with their address', async () => {
    const ns = namespace('cfk');
    ip(ns, 'mptcp', 'endpoint', 'add', '192.0.2.1', 'id', '100', 'signal');
    const f = follow(ns, 'rules:\n  - interfaces: [eth0]\nunlisted: keep\n');
    try {
      await f.waitFor(ready);
      ip(ns, 'addr', 'add', '10.9.0.1/24', 'dev', 'eth0');
      await converges(ns, (t) => /10\.9\.0\.1 id \d+ subflow dev eth0/.test(t), 'added');
      ip(ns, 'addr', 'del', '10.9.0.1/24', 'dev', 'eth0');
      await converges(ns, '192.0.2.1 id 100 signal \n', 'own endpoint removed, the other kept');
    } finally {
      assert.equal(await f.stop(), 0);
    }
  });

  test('tells systemd READY=1 once the first round is done (NOTIFY_SOCKET)', { timeout: 30000 }, async () => {
    const ns = namespace('cfn');
    const socketPath = join(work, 'notify.sock');
    const listener = spawn('python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint('bound',flush=True)\nwhile True:\n  print(s.recv(4096).decode(),flush=True)`, socketPath]);
    let received = '';
    const got = new Promise<void>((resolve) => listener.stdout.on('data', (d: Buffer) => {
      received += d.toString();
      if (received.includes('READY=1')) resolve();
    }));
    try {
      while (!received.includes('bound')) await new Promise((r) => setTimeout(r, 20));
      ip(ns, 'addr', 'add', '10.3.0.1/24', 'dev', 'eth0');
      const f = follow(ns, 'rules:\n  - interfaces: [eth0]\n', { NOTIFY_SOCKET: socketPath });
      await got;
      // Ready means the file is already true.
      assert.match(endpoints(ns), /10\.3\.0\.1 id \d+ subflow dev eth0/);
      assert.equal(await f.stop(), 0);
      while (!received.includes('STOPPING=1')) await new Promise((r) => setTimeout(r, 20));
    } finally {
      listener.kill('SIGKILL');
    }
    // --once (boot) applies and exits: the table stays as the file says.
    ip(ns, 'mptcp', 'endpoint', 'flush');
    const once = spawnSync(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, 'config', 'follow', '--once', join(work, `${ns}.yaml`)], { encoding: 'utf8' });
    assert.equal(once.status, 0, once.stderr);
    assert.match(once.stdout, /^\+ endpoint 10\.3\.0\.1 dev eth0 subflow\n$/);
  });
});
