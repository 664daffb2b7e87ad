/**
 * `mptcpctl monitor` end to end on a real connection: JSON Lines and ip's text, bounded by
 * --count. Small on purpose: it is part of the subset that scripts/test-binary.mjs runs against
 * the single-file binary (MPTCPCTL_BIN), where it shows the event socket works there too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { MptcpPm } from '../../src/index.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';
import { cliCommand } from '../helpers/cli.js';
import { waitForMembership } from '../helpers/events.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, type NetnsPair } from '../helpers/netns.js';
import { reap } from '../helpers/reaper.js';

const PORT = 10100;
let pair: NetnsPair | undefined;
let group = 0;
const peers: Peer[] = [];

before(async () => {
  pair = createNetnsPair('mon', 1);
  const pm = await MptcpPm.open({ netns: pair.a });
  group = pm.family.groups.get(EVENTS_GROUP) ?? 0;
  await pm.close();
  peers.push(await startServer(pair.b, '0.0.0.0', PORT));
});

// A monitor a failed test left running is ended by test/helpers/reaper.ts before this runs.
after(async () => {
  for (const peer of peers) await peer.stop();
  if (pair) for (const ns of [pair.a, pair.b]) deleteNetns(ns);
});

/** Starts the monitor in namespace a, waits until it has subscribed, connects a client, and returns what it printed. */
async function monitorAConnection(...args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  const child = reap(spawn(cliCommand[0]!, [...cliCommand.slice(1), '-n', pair!.a, 'monitor', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitForMembership(pair!.a, group, () => (child.exitCode !== null ? new Error(`monitor exited: ${stderr}`) : undefined));
  const client = await startClient(pair!.a, pair!.links[0]!.b4, PORT);
  peers.push(client);
  const status = await exited;
  await client.stop();
  return { stdout, stderr, status };
}

describe('monitor through the CLI', () => {
  test('--json: one JSON object per event, with the token connection show prints', async () => {
    const r = await monitorAConnection('--json', '--event', 'created,established', '--count', '2', '--timeout', '30');
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(events.map((e) => e['event']), ['CREATED', 'ESTABLISHED']);
    for (const e of events) {
      assert.equal(e['saddr4'], '10.1.0.1');
      assert.equal(e['daddr4'], '10.1.0.2');
      assert.equal(e['dport'], PORT);
      assert.match(String(e['token']), /^0x[0-9a-f]+$/);
    }
    assert.equal(events[0]!['token'], events[1]!['token']);
  });

  test("text: ip's line for the event", async () => {
    const r = await monitorAConnection('--event', 'established', '--count', '1', '--timeout', '30');
    assert.equal(r.status, 0, r.stderr);
    const m = /^\[ +ESTABLISHED\] token=([0-9a-f]{8}) remid=0 locid=0 saddr4=10\.1\.0\.1 daddr4=10\.1\.0\.2 sport=[0-9]+ dport=10100\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
  });
});
