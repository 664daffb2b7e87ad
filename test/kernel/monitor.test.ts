/**
 * `mptcpctl monitor` on real MPTCP connections between two throw-away namespaces, run side by
 * side with `ip mptcp monitor` (iproute2 6.1 here): the text lines must be ip's, once the
 * documented 6.1 -> 7.1 differences are applied to ip's lines; the JSON Lines must carry the same
 * values; the line shapes must be those of the golden 7.1 captures. Then the options: filters,
 * --count, --timeout, signals, a closed pipe, a tiny --rcvbuf (overruns reported), no CAP_NET_ADMIN.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MptcpPm } from '../../src/pm/client.js';
import { EventSubscription, type EventLoss } from '../../src/pm/event-subscription.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';
import { cliCommand } from '../helpers/cli.js';
import { startIpMonitor, startMptcpctlMonitor, type MonitorProcess } from '../helpers/monitor.js';
import { runStorm, startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetns, createNetnsPair, deleteNetns, ip, nsExec, sysctl, type NetnsPair } from '../helpers/netns.js';
import { fixturesDir } from '../helpers/paths.js';

const EVENT_NAMES_61: Record<string, string> = { 'UNKNOWN 15': 'LISTENER_CREATED', 'UNKNOWN 16': 'LISTENER_CLOSED' };

/** Interface index -> name in a namespace (for ip 7.1's `dev=`, which 6.1 lacks). */
function links(netns: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of ip(netns, '-o', 'link').split('\n')) {
    const m = /^(\d+): ([^:@]+)/.exec(line);
    if (m) names.set(m[1]!, m[2]!);
  }
  return names;
}

/**
 * ip 6.1's line as 7.1 prints it, applying only the documented differences (ip-mptcp-compat.md):
 * `[%14s]` -> `[%16s]`; `[UNKNOWN 15/16]` -> listener names (6.1 prints no attributes for them:
 * undefined = compare the name only); `flags=2`/`flags=1` -> ` server_side`/` deny_join_id0` at the
 * end, other bits `flags=0x..`; ` dev=NAME` after `ifindex=N`; `reset_flags=0x%x` -> `%#x`.
 */
function as71(line61: string, names: Map<string, string>): { name: string; line: string | undefined } {
  const m = /^\[ *([^\]]+)\](.*)$/.exec(line61);
  assert.ok(m, `not an ip monitor line: ${line61}`);
  const listener = EVENT_NAMES_61[m[1]!];
  if (listener) return { name: listener, line: undefined };
  const items: string[] = [];
  let flags = 0;
  for (const item of m[2]!.trim().split(' ').filter(Boolean)) {
    const [key, value] = item.split('=') as [string, string | undefined];
    if (key === 'flags') flags = parseInt(value!, 16);
    else if (key === 'reset_flags') items.push(`reset_flags=${Number(value) === 0 ? '0' : `0x${Number(value).toString(16)}`}`);
    else items.push(item);
    if (key === 'ifindex') items.push(`dev=${names.get(value!) ?? `if${value}`}`);
  }
  if (flags & 2) items.push('server_side');
  if (flags & 1) items.push('deny_join_id0');
  if (flags & ~3) items.push(`flags=0x${(flags & ~3).toString(16)}`);
  return { name: m[1]!, line: `[${m[1]!.padStart(16)}]${items.map((i) => ` ${i}`).join('')}` };
}

/** The text line a JSON Lines object stands for (the extra keys are explanations). */
function jsonAsText(obj: Record<string, unknown>): string {
  let line = `[${String(obj['event']).padStart(16)}]`;
  for (const [key, value] of Object.entries(obj)) {
    if (['event', 'timestamp', 'error_name', 'reset_reason_name'].includes(key)) continue;
    if (key === 'token') line += ` token=${Number(value).toString(16).padStart(8, '0')}`;
    else if (value === true) line += ` ${key}`;
    else line += ` ${key}=${String(value)}`;
  }
  return line;
}

/** `EVENT key key ...` of a 7.1 text line: what the golden captures say each event looks like. */
const shapeOf = (line: string): string => line.replace(/^\[ *([^\]]+)\]/, '$1').replace(/=[^ ]*/g, '');

/** Every shape in the golden 7.1 text captures. */
function goldenShapes(): Set<string> {
  const shapes = new Set<string>();
  const dir = resolve(fixturesDir, 'monitor');
  for (const phase of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(resolve(dir, phase.name)).filter((f) => f.endsWith('-ip7.1.0-text.txt'))) {
      for (const line of readFileSync(resolve(dir, phase.name, file), 'utf8').split('\n').filter(Boolean)) shapes.add(shapeOf(line));
    }
  }
  return shapes;
}

async function eventsGroup(netns: string): Promise<number> {
  const pm = await MptcpPm.open({ netns });
  try {
    return pm.family.groups.get(EVENTS_GROUP)!;
  } finally {
    await pm.close();
  }
}

/** ip, mptcpctl text and mptcpctl --json -t monitors in one namespace. */
interface Watchers {
  netns: string;
  ip: MonitorProcess;
  text: MonitorProcess;
  json: MonitorProcess;
}

async function watchers(netns: string, group: number, all: MonitorProcess[]): Promise<Watchers> {
  const w = { netns, ip: startIpMonitor(netns), text: startMptcpctlMonitor(netns), json: startMptcpctlMonitor(netns, ['--json', '-t']) };
  all.push(w.ip, w.text, w.json);
  for (const m of [w.ip, w.text, w.json]) await m.ready(group);
  return w;
}

/** Waits until mptcpctl has printed as many lines as ip, stops all three, and compares them. */
async function compareWithIp(w: Watchers): Promise<string[]> {
  const expected = w.ip.lines.length;
  await w.text.waitFor(`${expected} text lines`, (l) => l.length >= expected);
  await w.json.waitFor(`${expected} JSON lines`, (l) => l.length >= expected);
  for (const m of [w.text, w.json]) assert.deepEqual(await m.stop(), { code: 0, signal: null }, m.stderr());
  await w.ip.stop();
  const names = links(w.netns);
  const text = w.text.lines;
  assert.equal(text.length, w.ip.lines.length, `mptcpctl:\n${text.join('\n')}\nip:\n${w.ip.lines.join('\n')}`);
  w.ip.lines.forEach((line61, i) => {
    const want = as71(line61, names);
    if (want.line === undefined) assert.match(text[i]!, new RegExp(`^\\[ *${want.name}\\] `), `line ${i}: ${line61}`);
    else assert.equal(text[i], want.line, `line ${i} (ip 6.1: ${line61})`);
  });
  // JSON Lines: one object per line, the same values, an ISO timestamp, codes named.
  assert.equal(w.json.lines.length, text.length);
  w.json.lines.forEach((line, i) => {
    const obj = JSON.parse(line) as Record<string, unknown>;
    assert.equal(jsonAsText(obj), text[i]);
    assert.match(String(obj['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    if (obj['error'] === 111) assert.equal(obj['error_name'], 'ECONNREFUSED');
    assert.equal('error_name' in obj, obj['error'] !== undefined && obj['error'] !== 0);
  });
  assert.equal(w.text.stderr() + w.json.stderr(), '');
  return text;
}

const kinds = (lines: string[]): Set<string> => new Set(lines.map((l) => /^\[ *([^\]]+)\]/.exec(l)![1]!));

/**
 * For one describe: a namespace pair made before its tests (then `setup`), and the monitors, peers
 * and library clients they start, all ended after them, before the pair is deleted.
 */
function pairFixture(prefix: string, links: number, setup?: (pair: NetnsPair) => void): { pair(): NetnsPair; monitors: MonitorProcess[]; peers: Peer[]; pms: MptcpPm[] } {
  let pair: NetnsPair | undefined;
  const fixture = { pair: () => pair!, monitors: [] as MonitorProcess[], peers: [] as Peer[], pms: [] as MptcpPm[] };
  before(() => {
    pair = createNetnsPair(prefix, links);
    setup?.(pair);
  });
  after(async () => {
    for (const m of fixture.monitors) await m.stop('SIGKILL');
    for (const p of fixture.peers) await p.stop();
    for (const pm of fixture.pms) await pm.close();
    if (pair) for (const ns of [pair.a, pair.b]) deleteNetns(ns);
  });
  return fixture;
}

describe('monitor beside ip mptcp monitor: in-kernel PM', () => {
  const PORT = 5000;
  const { pair, monitors, peers } = pairFixture('mon', 2);

  test('IPv4 with signal/subflow endpoints, then a refused IPv6 join: same lines as ip, 7.1 shapes', async () => {
    const { a, b, links: l } = pair();
    const group = await eventsGroup(a);
    const A = await watchers(a, group, monitors);
    const B = await watchers(b, group, monitors);
    for (const ns of [a, b]) ip(ns, 'mptcp', 'limits', 'set', 'subflows', '4', 'add_addr_accepted', '4');
    ip(b, 'mptcp', 'endpoint', 'add', l[1]!.b4, 'signal');
    ip(a, 'mptcp', 'endpoint', 'add', l[1]!.a4, 'dev', l[1]!.a, 'subflow');
    const server = await startServer(b, '0.0.0.0', PORT);
    peers.push(server);
    const client = await startClient(a, l[0]!.b4, PORT);
    peers.push(client);
    const count = (m: MonitorProcess, re: RegExp): number => m.lines.filter((x) => re.test(x)).length;
    await A.ip.waitFor('2 SF_ESTABLISHED', (x) => count(A.ip, /SF_ESTABLISHED/) === 2 && x.length > 0);
    await B.ip.waitFor('2 SF_ESTABLISHED', () => count(B.ip, /SF_ESTABLISHED/) === 2);
    ip(a, 'mptcp', 'endpoint', 'change', 'id', '1', 'backup'); // the server sees SF_PRIO
    await B.ip.waitFor('SF_PRIO', () => count(B.ip, /SF_PRIO/) === 1);
    ip(b, 'mptcp', 'endpoint', 'delete', 'id', '1'); // the client sees REMOVED and SF_CLOSED
    await A.ip.waitFor('REMOVED', () => count(A.ip, /SF_CLOSED/) === 1);
    client.send('close');
    await client.waitFor('closed');
    await server.stop();
    // IPv6: the server listens on one address only, so the join to the announced one is refused.
    for (const ns of [a, b]) ip(ns, 'mptcp', 'endpoint', 'flush');
    ip(b, 'mptcp', 'endpoint', 'add', l[1]!.b6, 'signal');
    const server6 = await startServer(b, l[0]!.b6, PORT + 1);
    peers.push(server6);
    const client6 = await startClient(a, l[0]!.b6, PORT + 1);
    peers.push(client6);
    await A.ip.waitFor('SF_CLOSED error=111', () => count(A.ip, /error=111/) === 1);
    client6.send('close');
    await client6.waitFor('closed');
    await server6.stop();
    await A.ip.waitFor('2 CLOSED', () => count(A.ip, /\] token=[0-9a-f]+$/) === 2);
    await B.ip.waitFor('2 listener closings', () => count(B.ip, /UNKNOWN 16/) === 2 && count(B.ip, /\] token=[0-9a-f]+$/) === 2);

    const lines = [...(await compareWithIp(A)), ...(await compareWithIp(B))];
    for (const kind of ['CREATED', 'ESTABLISHED', 'ANNOUNCED', 'SF_ESTABLISHED', 'SF_PRIO', 'REMOVED', 'SF_CLOSED', 'CLOSED', 'LISTENER_CREATED', 'LISTENER_CLOSED']) {
      assert.ok(kinds(lines).has(kind), `no ${kind} event`);
    }
    assert.ok(lines.some((x) => / dev=va1( |$)/.test(x)), 'an SF_ESTABLISHED with dev=');
    assert.ok(lines.some((x) => /SF_CLOSED\].* error=111$/.test(x)), 'an SF_CLOSED with error=111');
    const shapes = goldenShapes();
    for (const line of lines) assert.ok(shapes.has(shapeOf(line)), `shape not in the golden 7.1 captures: ${shapeOf(line)}`);
  });
});

describe('monitor beside ip mptcp monitor: userspace PM (pm_type=1 in the test namespaces)', () => {
  const PORT = 5300;
  const { pair, monitors, peers, pms } = pairFixture('monu', 3, ({ a, b }) => {
    for (const ns of [a, b]) sysctl(ns, 'net.mptcp.pm_type', 1);
  });

  test('announce, subflow create, priority, destroy, remove: same lines as ip', async () => {
    const { a, b, links: l } = pair();
    const group = await eventsGroup(a);
    // The userspace PM accepts joins and ADD_ADDRs only while someone listens: our monitors do.
    const A = await watchers(a, group, monitors);
    const B = await watchers(b, group, monitors);
    const pmA = await MptcpPm.open({ netns: a });
    pms.push(pmA);
    const pmB = await MptcpPm.open({ netns: b });
    pms.push(pmB);
    peers.push(await startServer(b, '0.0.0.0', PORT));
    const client = await startClient(a, l[0]!.b4, PORT);
    peers.push(client);
    const tokenOf = async (m: MonitorProcess): Promise<number> => {
      await m.waitFor('ESTABLISHED', (x) => x.some((y) => y.includes('ESTABLISHED]')));
      return parseInt(/token=([0-9a-f]{8})/.exec(m.lines.find((y) => y.includes('ESTABLISHED]'))!)![1]!, 16);
    };
    const tokenA = await tokenOf(A.text);
    const tokenB = await tokenOf(B.text);
    const has = (re: RegExp) => (x: string[]): boolean => x.some((y) => re.test(y));

    await pmB.announce(tokenB, { address: l[1]!.b4, id: 7 });
    await A.ip.waitFor('ANNOUNCED', has(/ANNOUNCED/));
    await pmA.subflowCreate(tokenA, { address: l[2]!.a4, id: 3 }, { address: l[2]!.b4, port: PORT });
    await A.text.waitFor('SF_ESTABLISHED', has(/SF_ESTABLISHED/));
    await B.ip.waitFor('SF_ESTABLISHED', has(/SF_ESTABLISHED/));
    const sport = Number(/ sport=(\d+)/.exec(A.text.lines.find((y) => y.includes('SF_ESTABLISHED'))!)![1]);
    await pmA.setSubflowPriority(tokenA, { address: l[2]!.a4, flags: 4 }, { address: l[2]!.b4, port: PORT });
    await B.ip.waitFor('SF_PRIO', has(/SF_PRIO/));
    await pmA.subflowDestroy(tokenA, { address: l[2]!.a4, port: sport }, { address: l[2]!.b4, port: PORT });
    await A.ip.waitFor('SF_CLOSED', has(/SF_CLOSED/));
    await B.ip.waitFor('SF_CLOSED', has(/SF_CLOSED/));
    await pmB.remove(tokenB, 7);
    await A.ip.waitFor('REMOVED', has(/REMOVED/));
    client.send('close');
    await client.waitFor('closed');
    await A.ip.waitFor('CLOSED', has(/\] token=[0-9a-f]+$/));
    await B.ip.waitFor('CLOSED', has(/\] token=[0-9a-f]+$/));

    const lines = [...(await compareWithIp(A)), ...(await compareWithIp(B))];
    for (const kind of ['CREATED', 'ESTABLISHED', 'ANNOUNCED', 'SF_ESTABLISHED', 'SF_PRIO', 'SF_CLOSED', 'REMOVED', 'CLOSED']) {
      assert.ok(kinds(lines).has(kind), `no ${kind} event`);
    }
  });
});

/** N MPTCP listeners opened and closed at once in `netns`: 2N listener events in a burst. */
function listenerBurst(netns: string, n: number): void {
  const code = `import socket\nfor _ in range(${n}):\n s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)\n s.bind(("127.0.0.1", 0))\n s.listen(1)\n s.close()\n`;
  const r = nsExec(netns, 'python3', '-c', code);
  assert.equal(r.status, 0, r.stderr);
}

describe('monitor options and process behaviour', () => {
  let ns: string | undefined;
  let group = 0;
  const monitors: MonitorProcess[] = [];
  const start = (...args: string[]): MonitorProcess => {
    const m = startMptcpctlMonitor(ns!, args);
    monitors.push(m);
    return m;
  };

  before(async () => {
    ns = createNetns('mono');
    group = await eventsGroup(ns);
  });

  after(async () => {
    for (const m of monitors) await m.stop('SIGKILL');
    if (ns) deleteNetns(ns);
  });

  test('--count N: exits 0 after exactly N events', async () => {
    const m = start('--count', '3');
    await m.ready(group);
    listenerBurst(ns!, 4);
    assert.deepEqual(await m.exited, { code: 0, signal: null });
    assert.equal(m.lines.length, 3, m.stdout());
    assert.equal(m.stderr(), '');
  });

  test('--timeout S: exits 0 on its own while no event comes (the event loop keeps running)', async () => {
    const m = start('--timeout', '0.5', '--json');
    assert.deepEqual(await m.exited, { code: 0, signal: null });
    assert.equal(m.stdout(), '');
  });

  test('--event (case-insensitive) keeps only the named kinds, in order', async () => {
    const all = start('--json');
    const some = start('--json', '--event', 'Listener_Closed');
    for (const m of [all, some]) await m.ready(group);
    listenerBurst(ns!, 3);
    await all.waitFor('6 events', (l) => l.length === 6);
    await some.waitFor('3 events', (l) => l.length === 3);
    await all.stop();
    await some.stop();
    assert.deepEqual(some.lines, all.lines.filter((l) => l.includes('"LISTENER_CLOSED"')));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal}: exit 0 after the lines already received`, async () => {
      const m = start();
      await m.ready(group);
      listenerBurst(ns!, 1);
      await m.waitFor('2 lines', (l) => l.length === 2);
      assert.deepEqual(await m.stop(signal), { code: 0, signal: null });
      assert.match(m.stdout(), /^\[LISTENER_CREATED\] saddr4=127\.0\.0\.1 sport=\d+\n\[ LISTENER_CLOSED\] saddr4=127\.0\.0\.1 sport=\d+\n$/);
      assert.equal(m.stderr(), '');
    });
  }

  test('a closed pipe (| head) ends it quietly with exit 0', async () => {
    const m = start('--json');
    await m.ready(group);
    listenerBurst(ns!, 1);
    await m.waitFor('a line', (l) => l.length > 0);
    m.child.stdout.destroy();
    listenerBurst(ns!, 5);
    assert.deepEqual(await m.exited, { code: 0, signal: null });
    assert.equal(m.stderr(), '');
  });

  test('--rcvbuf tiny: overruns are reported at once, counted exactly, and the monitor keeps running', async () => {
    const m = start('--json', '--rcvbuf', '1');
    await m.ready(group);
    const N = 400;
    let bursts = 0;
    // Each burst is far more than a minimal buffer holds; one is normally enough.
    do {
      listenerBurst(ns!, N);
      bursts++;
      await new Promise((r) => setTimeout(r, 200));
    } while (!m.lines.some((l) => l.includes('"LOST"')) && bursts < 5);
    listenerBurst(ns!, 1); // still running: this one arrives
    const expected = 2 * (N * bursts + 1);
    const total = (): number =>
      m.lines.reduce((sum, l) => {
        const o = JSON.parse(l) as { event: string; lost?: number };
        return sum + (o.event === 'LOST' ? (o.lost ?? 0) : 1);
      }, 0);
    // The kernel's drop counter accounts for every event not printed.
    await m.waitFor(`${expected} events printed or lost`, () => total() === expected);
    assert.deepEqual(await m.stop(), { code: 0, signal: null });
    const lost = m.lines.map((l) => JSON.parse(l) as { event: string; overruns?: number; lost?: number }).filter((o) => o.event === 'LOST');
    assert.ok(lost.length > 0 && lost[0]!.overruns === 1 && lost.every((o) => (o.lost ?? 0) >= 0));
    assert.match(m.stderr(), /^mptcpctl: \d+ events? (was|were) lost: the kernel's event queue overflowed \(overrun 1\)/);
    const sum = lost.reduce((s, o) => s + (o.lost ?? 0), 0);
    assert.match(m.stderr(), new RegExp(`mptcpctl: ${sum} events? lost in ${Math.max(...lost.map((o) => o.overruns!))} receive-buffer overruns?\\n$`));
  });

  test('drops counted before the socket reported its ENOBUFS are that overrun: told once, as an overrun', async () => {
    // The monitor tells of drops when a wait brings nothing; the burst may overflow the queue
    // just after such a wait, before a receive has returned the ENOBUFS.
    const subscription = await EventSubscription.open({ netns: ns!, receiveBufferBytes: 1 });
    try {
      listenerBurst(ns!, 400); // nothing is read meanwhile: the queue overflows
      const told: EventLoss[] = [];
      subscription.reportDrops(false, (loss) => told.push(loss));
      assert.equal(told.length, 1);
      assert.equal(told[0]!.overrun, true, 'reported as the overrun it is');
      assert.ok((told[0]!.lost ?? 0) > 0, `lost ${told[0]!.lost}`);
      // The queued events are still read, and the ENOBUFS is not told again after them.
      let events = 0;
      for (let batch = subscription.takeQueued((loss) => told.push(loss)); batch.length > 0; batch = subscription.takeQueued((loss) => told.push(loss))) events += batch.length;
      assert.ok(events > 0);
      assert.equal(told.length, 1, JSON.stringify(told));
    } finally {
      await subscription.close();
    }
  });

  test('without CAP_NET_ADMIN: says so (exit 1)', () => {
    const r = nsExec(ns!, 'setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin', ...cliCommand, 'monitor', '--timeout', '5');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /CAP_NET_ADMIN/);
    assert.equal(r.stdout, '');
  });
});

describe('monitor --token and --event on connections', () => {
  const PORT = 5400;
  const { pair, monitors, peers } = pairFixture('mont', 1);

  test('only the events of one connection; only CREATED and CLOSED', async () => {
    const { a, b, links: l } = pair();
    const group = await eventsGroup(a);
    peers.push(await startServer(b, '0.0.0.0', PORT));
    const all = startMptcpctlMonitor(a, ['--json']);
    monitors.push(all);
    await all.ready(group);
    const client = await startClient(a, l[0]!.b4, PORT);
    peers.push(client);
    await all.waitFor('ESTABLISHED', (x) => x.some((y) => y.includes('"ESTABLISHED"')));
    const token = (JSON.parse(all.lines[0]!) as { token: string }).token;
    const one = startMptcpctlMonitor(a, ['--json', '--token', token.slice(2)]);
    const kinds2 = startMptcpctlMonitor(a, ['--json', '--event', 'created,Closed']);
    monitors.push(one, kinds2);
    for (const m of [one, kinds2]) await m.ready(group);
    const before = all.lines.length;
    await runStorm(a, l[0]!.b4, PORT, 3);
    client.send('close');
    await client.waitFor('closed');
    const closed = (x: string[]): number => x.filter((y) => y.includes('"CLOSED"')).length;
    await all.waitFor('4 CLOSED', (x) => closed(x) === 4);
    await kinds2.waitFor('4 CLOSED', (x) => closed(x) === 4);
    await one.waitFor('CLOSED', (x) => closed(x) === 1);
    for (const m of [all, one, kinds2]) assert.deepEqual(await m.stop(), { code: 0, signal: null });
    const later = all.lines.slice(before);
    assert.deepEqual(one.lines, later.filter((y) => y.includes(`"token":"${token}"`)));
    assert.ok(one.lines.length >= 1);
    assert.deepEqual(kinds2.lines, later.filter((y) => /"event":"(CREATED|CLOSED)"/.test(y)));
    assert.equal(kinds2.lines.filter((y) => y.includes('"CREATED"')).length, 3);
  });
});
