/**
 * Waiting for the monitor instead of sleeping: `--ready-fd N` and NOTIFY_SOCKET say "ready" only
 * once the monitor has joined the events group, so whatever a script does after that is seen.
 * And the monitor joins before it loads commander's tree and its renderers, so a script that does
 * not wait loses less. Every wait here is for a line or a datagram, never a sleep.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { cliCommand, runCli } from '../helpers/cli.js';
import { createNetns, deleteNetns, nsExec } from '../helpers/netns.js';
import { endChildren, reap } from '../helpers/reaper.js';

/** Opens and closes one MPTCP listener in `netns`: LISTENER_CREATED, then LISTENER_CLOSED. */
function openListener(netns: string): void {
  const code = 'import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)\ns.bind(("127.0.0.1", 0))\ns.listen(1)\ns.close()\n';
  const r = nsExec(netns, 'python3', '-c', code);
  assert.equal(r.status, 0, r.stderr);
}

/** The next line `stream` gives, or what it gave when it ended without one. */
function firstLine(stream: Readable): Promise<{ line: string | undefined; ended: Promise<void> }> {
  const ended = new Promise<void>((resolve) => stream.once('end', resolve));
  return new Promise((resolve) => {
    const lines = createInterface({ input: stream });
    let seen = false;
    lines.once('line', (line) => {
      seen = true;
      resolve({ line, ended });
    });
    lines.once('close', () => {
      if (!seen) resolve({ line: undefined, ended });
    });
  });
}

/** Resolves once `child`'s stdout holds `text` (rejects if it exits first): a hang guard, not a timing check. */
function stdoutIncludes(child: ChildProcess, text: string, limitMs = 30_000): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${text} in ${JSON.stringify(out)}`)), limitMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes(text)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(out);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`monitor exited before ${text}; stdout ${JSON.stringify(out)}`));
    });
  });
}

/** `promise`, or a failure naming `what` after `limitMs`: a hang guard, not a timing check. */
async function within<T>(promise: Promise<T>, what: string, limitMs = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${limitMs} ms`)), limitMs)));
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const PYTHON_RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
address = sys.argv[1]
s.bind("\\0" + address[1:] if address.startswith("@") else address)
print("bound", flush=True)
data = s.recv(4096)
print(data.decode(), flush=True)
`;

describe('monitor readiness', () => {
  let ns = '';
  let dir = '';

  const spawnTracked = (command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess => reap(spawn(command, args, options));
  const stop = async (child: ChildProcess): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(child.pid!, 'SIGTERM');
    return exited;
  };

  before(() => {
    ns = createNetns('rdy');
    dir = mkdtempSync(join(tmpdir(), 'mptcpctl-ready-'));
  });

  after(() => {
    endChildren(); // before their namespace goes
    if (ns) deleteNetns(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('--ready-fd 3: one line once subscribed, the descriptor closed; a listener opened right after is seen', async () => {
    const monitor = spawnTracked(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, 'monitor', '--json', '--ready-fd', '3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const { line, ended } = await within(firstLine(monitor.stdio[3] as Readable), 'the ready line');
    assert.equal(line, 'READY=1');
    // Closed after the line, while the monitor keeps running: a reader waiting for the end is released.
    await within(ended, 'the ready descriptor closed');
    assert.equal(monitor.exitCode, null);
    openListener(ns);
    const out = await stdoutIncludes(monitor, '"LISTENER_CLOSED"');
    assert.match(out, /^\{"event":"LISTENER_CREATED",.*\n\{"event":"LISTENER_CLOSED",/);
    assert.equal(await stop(monitor), 0);
  });

  for (const kind of ['path', 'abstract'] as const) {
    test(`NOTIFY_SOCKET (${kind} name): READY=1 in one datagram once subscribed`, async () => {
      const address = kind === 'path' ? join(dir, 'notify.sock') : `@mptcpctl-test-${process.pid}`;
      // The receiver runs in this namespace, as the monitor's own process does (abstract names are per namespace).
      const receiver = spawnTracked('python3', ['-c', PYTHON_RECEIVER, address], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = createInterface({ input: receiver.stdout as Readable })[Symbol.asyncIterator]();
      assert.equal((await within(lines.next(), 'the receiver bound')).value, 'bound');
      const monitor = spawnTracked(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, 'monitor'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NOTIFY_SOCKET: address },
      });
      assert.equal((await within(lines.next(), 'READY=1 on NOTIFY_SOCKET')).value, 'READY=1');
      openListener(ns);
      await stdoutIncludes(monitor, '[ LISTENER_CLOSED]');
      assert.equal(await stop(monitor), 0);
    });
  }

  test('a NOTIFY_SOCKET nobody listens on: one warning, and the monitor carries on', async () => {
    const monitor = spawnTracked(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, 'monitor', '--ready-fd', '3'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NOTIFY_SOCKET: join(dir, 'nobody.sock') },
    });
    let stderr = '';
    monitor.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal((await within(firstLine(monitor.stdio[3] as Readable), 'the ready line')).line, 'READY=1');
    openListener(ns);
    await stdoutIncludes(monitor, '[ LISTENER_CLOSED]');
    assert.equal(await stop(monitor), 0);
    assert.match(stderr, /^mptcpctl: cannot say "ready": NOTIFY_SOCKET ".*nobody\.sock": sendto .*\[ENOENT\]\n$/);
  });

  test('bad --ready-fd values are usage errors (exit 2), nothing printed on stdout', () => {
    for (const [value, problem] of [
      ['x', /invalid --ready-fd "x": expected a file descriptor number/],
      ['1', /invalid --ready-fd 1: 0, 1 and 2 are standard/],
      ['99', /invalid --ready-fd 99: file descriptor 99 is not open/],
    ] as const) {
      const r = runCli(['-n', ns, 'monitor', '--ready-fd', value]);
      assert.equal(r.status, 2, `${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^mptcpctl: ${problem.source}.*\\n$`));
      assert.equal(r.stdout, '');
    }
  });

  test('a usage error still wins over a missing CAP_NET_ADMIN, though the monitor subscribes first', () => {
    const r = nsExec(ns, 'setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin', ...cliCommand, 'monitor', '--count', 'many');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^mptcpctl: invalid --count "many"/);
  });

  test('the monitor joins the events group before it loads its command-line parser and renderers', { skip: !hasStrace() || cliCommand.length !== 2 }, () => {
    // The npm build loads dist/mptcpctl-lazy.cjs (commander's tree, the renderers) on first need.
    const trace = join(dir, 'monitor.strace');
    const r = spawnSync('strace', ['-f', '-e', 'trace=openat,setsockopt', '-o', trace, ...cliCommand, '-n', ns, 'monitor', '--json', '--timeout', '0.1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const joined = lines.findIndex((l) => l.includes('NETLINK_ADD_MEMBERSHIP'));
    const lazy = lines.findIndex((l) => l.includes('mptcpctl-lazy.cjs'));
    assert.ok(joined >= 0 && lazy >= 0, `joined at ${joined}, lazy bundle at ${lazy}`);
    assert.ok(joined < lazy, `the lazy bundle was opened (line ${lazy}) before the group was joined (line ${joined})`);
  });
});

function hasStrace(): boolean {
  return spawnSync('strace', ['-V']).status === 0;
}
