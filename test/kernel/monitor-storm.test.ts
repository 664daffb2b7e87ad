/**
 * The storm: 2,000 MPTCP connections opened and closed as fast as the machine allows (four
 * clients at once) while `ip mptcp monitor` and `mptcpctl monitor --json` (default receive
 * buffer) watch both namespaces. mptcpctl must record exactly as many events of each kind as
 * ip, as the connections imply, and report no loss. Bounded in time; no timing assertions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MptcpPm } from '../../src/pm/client.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';
import { countEvents, startIpMonitor, startMptcpctlMonitor, type MonitorProcess } from '../helpers/monitor.js';
import { runStorm, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, type NetnsPair } from '../helpers/netns.js';

const CONNECTIONS = 2000;
const CLIENTS = 4;
const PORT = 5500;

describe('event storm', () => {
  let pair: NetnsPair | undefined;
  const monitors: MonitorProcess[] = [];
  let server: Peer | undefined;

  before(() => {
    pair = createNetnsPair('storm', 1);
  });

  after(async () => {
    for (const m of monitors) await m.stop('SIGKILL');
    await server?.stop();
    if (pair) for (const ns of [pair.a, pair.b]) deleteNetns(ns);
  });

  test(`${CONNECTIONS} connections: mptcpctl --json sees every event ip sees, none lost`, async () => {
    const { a, b, links } = pair!;
    const pm = await MptcpPm.open({ netns: a });
    const group = pm.family.groups.get(EVENTS_GROUP)!;
    await pm.close();
    const sides = [a, b].map((ns) => ({ ns, ip: startIpMonitor(ns), me: startMptcpctlMonitor(ns, ['--json']) }));
    for (const s of sides) monitors.push(s.ip, s.me);
    for (const m of monitors) await m.ready(group);

    server = await startServer(b, '0.0.0.0', PORT);
    await Promise.all(Array.from({ length: CLIENTS }, () => runStorm(a, links[0]!.b4, PORT, CONNECTIONS / CLIENTS, 300000)));
    // The server accepts (and then closes) the last connections a while after the clients are
    // done: stopping it earlier would drop the unaccepted ones without their events.
    const closed = (l: string[]): number => countEvents(l).get('CLOSED') ?? 0;
    for (const s of sides) {
      for (const m of [s.ip, s.me]) await m.waitFor(`${CONNECTIONS} CLOSED`, (l) => closed(l) >= CONNECTIONS, 120000);
    }
    await server.stop();
    server = undefined;
    const listenerClosed = (l: string[]): boolean => l.some((x) => x === '[UNKNOWN 16]' || x.startsWith('[ LISTENER_CLOSED]') || x.includes('"LISTENER_CLOSED"'));
    for (const m of [sides[1]!.ip, sides[1]!.me]) await m.waitFor('LISTENER_CLOSED', listenerClosed, 30000);

    // Every connection makes CREATED, ESTABLISHED and CLOSED on each side; the server side also
    // sees its listener come and go.
    const expected = (ns: string): Map<string, number> =>
      new Map([
        ['CREATED', CONNECTIONS],
        ['ESTABLISHED', CONNECTIONS],
        ['CLOSED', CONNECTIONS],
        ...(ns === b ? [['LISTENER_CREATED', 1] as const, ['LISTENER_CLOSED', 1] as const] : []),
      ]);
    for (const s of sides) {
      assert.deepEqual(await s.me.stop(), { code: 0, signal: null });
      await s.ip.stop();
      const ipCounts = countEvents(s.ip.lines);
      // ip 6.1 has no names for the listener events.
      for (const [n, name] of [['UNKNOWN 15', 'LISTENER_CREATED'], ['UNKNOWN 16', 'LISTENER_CLOSED']] as const) {
        if (!ipCounts.has(n)) continue;
        ipCounts.set(name, ipCounts.get(n)!);
        ipCounts.delete(n);
      }
      const mine = countEvents(s.me.lines);
      assert.deepEqual(mine, ipCounts, `${s.ns}: mptcpctl vs ip`);
      assert.deepEqual(new Map([...mine].sort()), new Map([...expected(s.ns)].sort()), `${s.ns}: vs the connections made`);
      assert.ok(!mine.has('LOST'));
      assert.equal(s.me.stderr(), '', 'no overrun reported');
    }
  });
});
