/**
 * `stats` on the real kernel: one MPTCP connection with an extra subflow (MP_JOIN) between two
 * namespaces moves the counters it must on each side, read inside each namespace; every value
 * equals what nstat (iproute2, an independent reader) shows; --delta sees the connection made
 * during its interval; --watch prints JSON Lines when piped and ends with 0 on SIGTERM;
 * --prometheus passes promtool and --output writes the file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, nsExec, type NetnsPair } from '../helpers/netns.js';
import { spawnCli } from '../helpers/spawned.js';

let pair: NetnsPair;
const peers: Peer[] = [];
const PORT = 5300;

type Counters = Record<string, number>;

function stats(netns: string): Counters {
  const r = runCli(['-n', netns, '-j', 'stats', '--all']);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { counters: Counters }).counters;
}

/** nstat's absolute MPTcpExt values (-a), zeros included (-z), its history left alone (-s). */
function nstat(netns: string): Counters {
  const r = nsExec(netns, 'nstat', '-asz', '--json');
  assert.equal(r.status, 0, r.stderr);
  const all = (JSON.parse(r.stdout) as { kernel: Counters }).kernel;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('MPTcpExt')).map(([k, v]) => [k.slice('MPTcpExt'.length), v]));
}

const changes = (before: Counters, after: Counters): Counters => Object.fromEntries(Object.keys(after).flatMap((k) => (after[k] !== (before[k] ?? 0) ? [[k, after[k]! - (before[k] ?? 0)]] : [])));

async function waitFor(what: string, done: () => boolean, limitMs = 20000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  pair = createNetnsPair('stats', 2);
  const l1 = pair.links[1]!;
  ip(pair.a, 'mptcp', 'limits', 'set', 'subflows', '2');
  ip(pair.b, 'mptcp', 'limits', 'set', 'subflows', '2');
  // The client's PM opens one extra subflow from the second path.
  ip(pair.a, 'mptcp', 'endpoint', 'add', l1.a4, 'dev', l1.a, 'subflow');
  peers.push(await startServer(pair.b, '0.0.0.0', PORT));
});

after(async () => {
  for (const p of peers) await p.stop();
  deleteNetns(pair.a);
  deleteNetns(pair.b);
});

describe('stats on a real connection with a join', () => {
  test('the handshake and join counters move on each side as the connection implies, and equal nstat', async () => {
    const before = { a: stats(pair.a), b: stats(pair.b) };
    peers.push(await startClient(pair.a, pair.links[0]!.b4, PORT));
    await waitFor('the join on both sides', () => (stats(pair.a)['MPJoinSynAckRx'] ?? 0) > before.a['MPJoinSynAckRx']! && (stats(pair.b)['MPJoinAckRx'] ?? 0) > before.b['MPJoinAckRx']!);
    const a = changes(before.a, stats(pair.a));
    const b = changes(before.b, stats(pair.b));
    // Client: MP_CAPABLE SYN sent and its SYN/ACK received; one MP_JOIN SYN sent and answered.
    assert.equal(a['MPCapableSYNTX'], 1, JSON.stringify(a));
    assert.equal(a['MPCapableSYNACKRX'], 1);
    assert.equal(a['MPJoinSynTx'], 1);
    assert.equal(a['MPJoinSynAckRx'], 1);
    assert.equal(a['MPCapableSYNRX'], undefined, 'the client received no MP_CAPABLE SYN');
    // Server: the other halves.
    assert.equal(b['MPCapableSYNRX'], 1, JSON.stringify(b));
    assert.equal(b['MPCapableACKRX'], 1);
    assert.equal(b['MPJoinSynRx'], 1);
    assert.equal(b['MPJoinAckRx'], 1);
    assert.equal(b['MPJoinSynTx'], undefined, 'the server opened no subflow');
    // Both namespaces at rest now: every counter as nstat reads it.
    for (const ns of [pair.a, pair.b]) assert.deepEqual(stats(ns), nstat(ns), ns);
  });

  test('text groups the counters; zero values only with --all', () => {
    const r = runCli(['-n', pair.b, 'stats']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^handshake \(MP_CAPABLE\)\n {2}MPCapableSYNRX +[1-9][0-9]* {2}SYNs received with MP_CAPABLE/m);
    assert.match(r.stdout, /^joins \(MP_JOIN\)\n(?: {2}.*\n)* {2}MPJoinSynRx +[1-9]/m);
    assert.doesNotMatch(r.stdout, / 0 {2}/, 'no zero value without --all');
    assert.match(runCli(['-n', pair.b, 'stats', '--all']).stdout, /^ {2}DataCsumErr +0 {2}/m);
  });

  test('--delta: the change over the interval, the connection made during it', async () => {
    const delta = spawnCli(['-n', pair.a, '-j', 'stats', '--delta', '5']);
    // The CLI reads its first values as soon as it runs (well within 2 s even on a busy machine),
    // the second 5 s later: a connection made in between falls in the interval.
    await new Promise((r) => setTimeout(r, 2000));
    peers.push(await startClient(pair.a, pair.links[0]!.b4, PORT));
    assert.deepEqual(await delta.exit(), { code: 0, signal: null });
    const out = JSON.parse(delta.stdout()) as { interval: number; counters: Counters };
    assert.equal(out.interval, 5);
    assert.equal(out.counters['MPCapableSYNTX'], 1, delta.stdout());
    assert.equal(out.counters['MPCapableSYNRX'], undefined, 'unchanged counters are left out');
  });

  test('--watch piped: JSON Lines with the change since the previous line; SIGTERM ends it with 0', async () => {
    const watch = spawnCli(['-n', pair.a, 'stats', '--watch', '0.5']);
    const lines = (): string[] => watch.stdout().split('\n').filter(Boolean);
    await watch.until('three lines', () => lines().length >= 3);
    process.kill(watch.pid, 'SIGTERM');
    assert.deepEqual(await watch.exit(), { code: 0, signal: null });
    const parsed = lines().map((l) => JSON.parse(l) as { timestamp: string; interval: number; counters: Counters; delta?: Counters });
    assert.equal(parsed[0]!.delta, undefined);
    assert.deepEqual(parsed[1]!.delta, {}, 'nothing moved between the lines');
    assert.equal(parsed[1]!.interval, 0.5);
    assert.ok(parsed[1]!.counters['MPCapableSYNTX']! >= 2);
    assert.ok(Date.parse(parsed[1]!.timestamp) > Date.parse(parsed[0]!.timestamp));
  });

  test('--prometheus passes promtool; --output writes the file and nothing else', () => {
    const r = runCli(['-n', pair.b, 'stats', '--prometheus']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^mptcp_netstat_total\\{counter="MPJoinSynRx",netns="${pair.b}"\\} [1-9]`, 'm'));
    assert.match(r.stdout, new RegExp(`^mptcp_connections\\{state="ESTAB",side="server",netns="${pair.b}"\\} 2$`, 'm'));
    assert.match(r.stdout, new RegExp(`^mptcp_connections\\{state="LISTEN",side="server",netns="${pair.b}"\\} 1$`, 'm'));
    const check = spawnSync('promtool', ['check', 'metrics'], { input: r.stdout, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.equal(check.stdout + check.stderr, '', 'no lint remark');
    const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-prom-'));
    try {
      const file = join(dir, 'mptcp.prom');
      const w = runCli(['-n', pair.a, 'stats', '--prometheus', '--output', file]);
      assert.equal(w.status, 0, w.stderr);
      assert.equal(w.stdout, '');
      assert.deepEqual(readdirSync(dir), ['mptcp.prom']);
      assert.match(readFileSync(file, 'utf8'), new RegExp(`^mptcp_endpoint_info\\{id="1",address="10.2.0.1",dev="va1",flags="subflow",netns="${pair.a}"\\} 1$`, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
