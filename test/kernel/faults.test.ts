/**
 * Faults: the kernel refusing mid-batch, a reader that goes away (SIGPIPE), SIGTERM/SIGINT in the
 * middle of a stream of dumps, a full stdout, a namespace deleted under the monitor, and the
 * netlink socket closed under the transport. Exit statuses as README ("Faults and signals")
 * documents them; output never stops inside a record; nothing is left running.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { cliBundle } from '../helpers/paths.js';
import { groupMembers, hasGroupMember, processesWith, spawnCli } from '../helpers/spawned.js';
import { outlived } from '../helpers/reaper.js';
import { startServer, type Peer } from '../helpers/mptcp.js';
import { MptcpPm } from '../../src/pm/client.js';
import { NETLINK_GENERIC, NetlinkTransport } from '../../src/netlink/transport.js';
import { SystemError } from '../../src/errors.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';

let ns: string;
let eventsGroup: number;
const ENDPOINT_LINE = /^10\.0\.9\.[1-8] id [1-8] signal $/;

before(async () => {
  ns = createNetns('flt');
  for (let i = 1; i <= 8; i++) ip(ns, 'mptcp', 'endpoint', 'add', `10.0.9.${i}`, 'id', String(i), 'signal');
  const pm = await MptcpPm.open({ netns: ns });
  eventsGroup = pm.family.groups.get(EVENTS_GROUP)!;
  await pm.close();
});
after(() => {
  deleteNetns(ns);
  assert.deepEqual(processesWith(cliBundle, ns), [], 'an mptcpctl process outlived its test');
  // The reaper's `after` ran first: what it had to end outlived its test too.
  assert.deepEqual(outlived.filter((command) => command.includes(ns)), [], 'an mptcpctl process outlived its test');
});

describe('the kernel refusing in the middle of a batch', () => {
  const batch = 'endpoint add 10.0.8.1 id 21\nendpoint add 10.0.8.2 id 21\nendpoint add 10.0.8.3 id 22\n';
  let scratch: string;
  before(() => {
    scratch = createNetns('fltb');
  });
  after(() => deleteNetns(scratch));

  it('stops at the refused line, names it, exits 1; the lines before it stay done', () => {
    const r = runCli(['-n', scratch, '-b', '-'], { input: batch });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^mptcpctl: -:2: kernel refused ADD_ADDR: [^\n]*\(EBUSY\)[^\n]*\n$/);
    assert.equal(ip(scratch, 'mptcp', 'endpoint', 'show'), '10.0.8.1 id 21 \n');
  });

  it('with --force runs every line and still exits 1', () => {
    ip(scratch, 'mptcp', 'endpoint', 'flush');
    const r = runCli(['-n', scratch, '-b', '-', '--force'], { input: batch });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.equal(ip(scratch, 'mptcp', 'endpoint', 'show'), '10.0.8.1 id 21 \n10.0.8.3 id 22 \n');
  });
});

describe('signals and broken output', () => {
  /** Thousands of dumps of the 8 endpoints, one after the other, in one process. */
  const manyShows = 'endpoint show\n'.repeat(20_000);

  it('a reader that goes away (SIGPIPE/EPIPE) ends the run quietly with status 0', async () => {
    const p = spawnCli(['-n', ns, '-b', '-'], { input: manyShows });
    await p.until('output', () => p.stdout().length > 0);
    p.child.stdout!.destroy();
    const exit = await p.exit();
    assert.deepEqual(exit, { code: 0, signal: null }, p.stderr());
    assert.equal(p.stderr(), '');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} in the middle of a stream of dumps: dies of ${signal}, output stops at a record boundary`, async () => {
      const p = spawnCli(['-n', ns, '-b', '-'], { input: manyShows });
      await p.until('output', () => p.stdout().length > 0);
      process.kill(p.pid, signal);
      const exit = await p.exit();
      assert.deepEqual(exit, { code: null, signal }, p.stderr());
      const out = p.stdout();
      assert.ok(out.endsWith('\n'), 'the last record is complete');
      const lines = out.slice(0, -1).split('\n');
      assert.equal(lines.length % 8, 0, `${lines.length} lines: every dump's 8 endpoints come out in one piece`);
      for (const line of lines) assert.match(line, ENDPOINT_LINE);
      assert.ok(lines.length < 8 * 20_000, 'the signal stopped the run');
      assert.equal(p.stderr(), '');
    });
  }

  it('a full stdout (ENOSPC) is one line on stderr and status 1, never a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['-n', ns, 'endpoint', 'show'], ['--help']]) {
        const r = spawnSync(process.execPath, [cliBundle, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr, 'mptcpctl: cannot write to standard output: No space left on device (ENOSPC)\n');
      }
    } finally {
      closeSync(full);
    }
  });
});

/** Processes whose network namespace, or one of whose descriptors, is `link` (e.g. `net:[4026532]`). */
function holdersOf(link: string): string[] {
  const holders: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const paths = [`/proc/${pid}/ns/net`];
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) paths.push(`/proc/${pid}/fd/${fd}`);
    } catch {
      // gone, or not ours to read
    }
    for (const path of paths) {
      try {
        if (readlinkSync(path) === link) holders.push(path);
      } catch {
        // closed while listing
      }
    }
  }
  return holders;
}

describe('the monitor', () => {
  const peers: Peer[] = [];
  after(async () => {
    for (const peer of peers) await peer.stop();
  });

  it('ends with status 1 when its namespace is deleted, letting go of it (it used to keep it alive for ever)', async () => {
    const doomed = createNetns('fltd');
    const identity = statSync(`/run/netns/${doomed}`).ino;
    const p = spawnCli(['-n', doomed, 'monitor']);
    try {
      await p.until('the events subscription', () => hasGroupMember(doomed, eventsGroup));
      deleteNetns(doomed);
      const exit = await p.exit(20_000);
      assert.deepEqual(exit, { code: 1, signal: null }, p.stderr());
      assert.equal(p.stderr(), `mptcpctl: network namespace "${doomed}": deleted while the monitor was running (the monitor has let go of it)\n`);
      assert.deepEqual(processesWith(cliBundle, doomed), []);
      assert.deepEqual(holdersOf(`net:[${identity}]`), [], 'nothing holds the deleted namespace any more');
    } finally {
      deleteNetns(doomed);
    }
  });

  it('a reader that goes away ends it with status 0; SIGTERM too', async () => {
    const piped = spawnCli(['-n', ns, 'monitor']);
    const stopped = spawnCli(['-n', ns, 'monitor']);
    await piped.until('both events subscriptions', () => groupMembers(ns, eventsGroup) >= 2);
    peers.push(await startServer(ns, '127.0.0.1', 41001));
    await piped.until('a first event', () => piped.stdout().includes('LISTENER_CREATED'));
    await stopped.until('a first event', () => stopped.stdout().includes('LISTENER_CREATED'));
    piped.child.stdout!.destroy();
    peers.push(await startServer(ns, '127.0.0.1', 41002));
    assert.deepEqual(await piped.exit(), { code: 0, signal: null }, piped.stderr());
    assert.equal(piped.stderr(), '');
    process.kill(stopped.pid, 'SIGTERM');
    assert.deepEqual(await stopped.exit(), { code: 0, signal: null }, stopped.stderr());
    assert.equal(stopped.stderr(), '');
  });
});

describe('the netlink socket closed under the transport', () => {
  const netlinkSockets = (): Set<number> => {
    const fds = new Set<number>();
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) fds.add(Number(fd));
      } catch {
        // closed while listing
      }
    }
    return fds;
  };

  it('a waiting receive ends with EBADF; close() then leaves the reused descriptor number alone', async () => {
    const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns });
    const waiting = transport.receive(-1);
    closeSync(transport.fd);
    await assert.rejects(waiting, (err: unknown) => err instanceof SystemError && err.errnoName === 'EBADF');
    // The number is free again, and an open takes it. close() must not close someone else's file.
    const opened: number[] = [];
    try {
      while (opened.length < 64 && !opened.includes(transport.fd)) opened.push(openSync('/dev/null', 'r'));
      assert.ok(opened.includes(transport.fd), 'the descriptor number was reused (the case this guards)');
      await transport.close();
      assert.ok(fstatSync(transport.fd).isCharacterDevice(), 'the reused descriptor is still open');
    } finally {
      for (const fd of opened) closeSync(fd);
    }
  });

  it('the event iterator fails with a typed error instead of hanging', async () => {
    const pm = await MptcpPm.open({ netns: ns });
    try {
      const before = netlinkSockets();
      const stop = new AbortController();
      const events = pm.events({ signal: stop.signal });
      const next = events.next();
      let fd: number | undefined;
      for (let i = 0; i < 500 && fd === undefined; i++) {
        fd = [...netlinkSockets()].find((s) => !before.has(s));
        if (fd === undefined) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(fd !== undefined, 'the event socket appeared');
      // Wait until it is subscribed, so the iterator is in its receive loop.
      for (let i = 0; i < 500 && !hasGroupMember(ns, eventsGroup); i++) await new Promise((r) => setTimeout(r, 10));
      closeSync(fd);
      await assert.rejects(next, (err: unknown) => err instanceof SystemError && err.errnoName === 'EBADF');
      stop.abort();
    } finally {
      await pm.close();
    }
  });
});
