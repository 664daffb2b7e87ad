/**
 * Namespaces: `-n` with a bad name (a path, "/", ".."), a missing one, or something in /run/netns
 * that is not a network namespace (a FIFO, a file, a directory): a clear error and no setns into
 * anything else; and the process's own namespace is the same after every `-n` call, good or bad,
 * one at a time or many at once. Counted at the transport seam (transportProbe).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { MptcpPm } from '../../src/pm/client.js';
import { NetnsError } from '../../src/errors.js';
import { transportProbe } from '../../src/sys/probe.js';
import { cliCommand, runCli } from '../helpers/cli.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';

/** The network namespace of this thread and of the process (the inode of nsfs). */
const own = (): [number, number] => [statSync('/proc/thread-self/ns/net').ino, statSync('/proc/self/ns/net').ino];

const sockets = (): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;

let a: string;
let b: string;
let home: [number, number];
const planted: string[] = [];

before(() => {
  a = createNetns('nsa');
  b = createNetns('nsb');
  home = own();
});
after(() => {
  deleteNetns(a);
  deleteNetns(b);
  for (const path of planted) rmSync(path, { recursive: true, force: true });
  assert.deepEqual(own(), home, 'this process is still in its own namespace');
});

/** Something that is not a network namespace, planted in /run/netns (removed afterwards). */
function plant(kind: 'fifo' | 'file' | 'dir' | 'symlink'): string {
  const name = `mpc-bogus-${kind}-${process.pid}`;
  const path = `/run/netns/${name}`;
  planted.push(path);
  if (kind === 'fifo') assert.equal(spawnSync('mkfifo', [path]).status, 0);
  else if (kind === 'file') writeFileSync(path, 'not a namespace\n');
  else if (kind === 'dir') mkdirSync(path);
  else symlinkSync('/etc/hostname', path);
  return name;
}

describe('bad -n values', () => {
  const badNames = ['../../x', '/proc/1/ns/net', 'a/b', '..', '.', '', 'x'.repeat(256), 'a\u0000b', `../netns/${'x'}`];

  it('a bad name: NetnsError before anything is opened or entered, own namespace untouched', async () => {
    for (const name of badNames) {
      const before = { setns: transportProbe.setns, sockets: sockets() };
      await assert.rejects(MptcpPm.open({ netns: name }), NetnsError, JSON.stringify(name));
      assert.equal(transportProbe.setns, before.setns, `setns for ${JSON.stringify(name)}`);
      assert.equal(sockets(), before.sockets, 'no socket left behind');
      assert.deepEqual(own(), home);
    }
  });

  it('a name that does not exist: NetnsError "not found", no setns', async () => {
    const setns = transportProbe.setns;
    await assert.rejects(MptcpPm.open({ netns: `mpc-missing-${process.pid}` }), (err: unknown) => err instanceof NetnsError && /not found/.test(err.message));
    assert.equal(transportProbe.setns, setns);
    assert.deepEqual(own(), home);
  });

  it('not a network namespace (a file, a directory, a symlink to a file): refused by the kernel, own namespace untouched', async () => {
    for (const kind of ['file', 'dir', 'symlink'] as const) {
      const name = plant(kind);
      const setns = transportProbe.setns;
      await assert.rejects(MptcpPm.open({ netns: name }), (err: unknown) => err instanceof NetnsError && /is not a network namespace/.test(err.message), kind);
      assert.equal(transportProbe.setns, setns + 1, 'one setns tried, refused, none back needed');
      assert.deepEqual(own(), home);
    }
  });

  it('a FIFO planted in /run/netns does not hang -n (it used to block in open() for ever)', () => {
    const name = plant('fifo');
    // In a child process: the old behaviour blocked the whole process, which no timer can end.
    const r = spawnSync(cliCommand[0]!, [...cliCommand.slice(1), '-n', name, 'endpoint', 'show'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'it did not hang');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `mptcpctl: network namespace "${name}": /run/netns/${name} is not a network namespace\n`);
  });

  it('the CLI: a bad name is a usage error (2), a missing one a refusal (1), one line each', () => {
    const bad = runCli(['-n', '../../x', 'endpoint', 'show']);
    assert.deepEqual([bad.status, bad.stdout], [2, '']);
    assert.match(bad.stderr, /^mptcpctl: invalid network namespace name "..\/..\/x": [^\n]+\n$/);
    const missing = runCli(['-n', `mpc-missing-${process.pid}`, 'endpoint', 'show']);
    assert.deepEqual([missing.status, missing.stdout], [1, '']);
    assert.match(missing.stderr, /^mptcpctl: network namespace "mpc-missing-\d+": not found [^\n]+\n$/);
  });
});

describe('good -n values', () => {
  it('sockets land in the named namespace, and this process stays in its own (sequentially and all at once)', async () => {
    ip(a, 'mptcp', 'endpoint', 'flush');
    ip(b, 'mptcp', 'endpoint', 'flush');
    const setns = transportProbe.setns;
    for (let i = 1; i <= 4; i++) {
      const pm = await MptcpPm.open({ netns: i % 2 ? a : b });
      await pm.addEndpoint({ address: `10.0.${i % 2 ? 1 : 2}.${i}`, id: i });
      await pm.close();
      assert.deepEqual(own(), home);
    }
    // Many opens interleaved on one thread: each switch is undone before the next begins.
    const pms = await Promise.all(Array.from({ length: 12 }, (_, i) => MptcpPm.open({ netns: i % 2 ? a : b })));
    assert.deepEqual(own(), home);
    await Promise.all(pms.map((pm, i) => pm.addEndpoint({ address: `10.0.${i % 2 ? 1 : 2}.${i + 10}`, id: i + 10 })));
    await Promise.all(pms.map((pm) => pm.close()));
    assert.equal(transportProbe.setns - setns, 2 * 16, 'into the namespace and back, once per open');
    const idsIn = (ns: string): number[] => (JSON.parse(ip(ns, '-j', 'mptcp', 'endpoint', 'show')) as { id: number }[]).map((e) => e.id);
    assert.deepEqual(idsIn(a), [1, 3, 11, 13, 15, 17, 19, 21]);
    assert.deepEqual(idsIn(b), [2, 4, 10, 12, 14, 16, 18, 20]);
    assert.deepEqual(own(), home);
  });
});
