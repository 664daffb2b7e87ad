/**
 * `stats` and the Prometheus metrics, the pure parts: /proc/net/netstat parsing (names from the
 * kernel's header, unknown ones passed through), --delta arithmetic, option checking, the
 * renderers, --listen, and the exposition text (checked by promtool).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterDelta, mptcpCounters, parseNetstat } from '../../src/diag/netstat.js';
import { counterGroup, counterMeaning, gaugeCounters, groupCounters } from '../../src/diag/counter-info.js';
import { parseStatsOptions, writeAtomically } from '../../src/cli/commands/stats.js';
import { parseExporterOptions, parseListen } from '../../src/cli/commands/exporter.js';
import { statsJson, statsJsonLine, statsTable, statsText } from '../../src/cli/output/records/stats.js';
import { paint } from '../../src/cli/output/colors.js';
import { MptcpMetrics } from '../../src/cli/prometheus/metrics.js';
import type { NamespaceSample } from '../../src/diag/sample.js';
import type { MptcpSubflow } from '../../src/diag/records.js';
import { UsageError } from '../../src/errors.js';

/**
 * The layout of this machine's /proc/net/netstat (Linux 6.18: TcpExt, IpExt, MPTcpExt header
 * and value lines, shortened), with two counter names no kernel has yet, as a newer kernel adds them.
 */
const netstat = [
  'TcpExt: SyncookiesSent SyncookiesRecv RcvPruned',
  'TcpExt: 1 2 3',
  'IpExt: InNoRoutes InTruncatedPkts',
  'IpExt: 0 0',
  'MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableFallbackACK MPJoinSynRx AddAddr RmAddrTx Blackhole DataCsumErr MPCurrEstab MPJoinFutureSynRx ZzNewThing',
  'MPTcpExt: 4 5 1 2 0 0 0 0 3 7 9',
  '',
].join('\n');

describe('netstat parsing', () => {
  it('reads every section and keeps the kernel order and names', () => {
    const sections = parseNetstat(netstat);
    assert.deepEqual([...sections.keys()], ['TcpExt', 'IpExt', 'MPTcpExt']);
    assert.deepEqual(sections.get('TcpExt'), [
      { name: 'SyncookiesSent', value: 1 },
      { name: 'SyncookiesRecv', value: 2 },
      { name: 'RcvPruned', value: 3 },
    ]);
  });

  it('passes unknown MPTcpExt names through, grouped by prefix, without a meaning', () => {
    const counters = mptcpCounters(netstat);
    assert.equal(counters.length, 11);
    assert.deepEqual(counters.slice(-2), [
      { name: 'MPJoinFutureSynRx', value: 7 },
      { name: 'ZzNewThing', value: 9 },
    ]);
    assert.equal(counterGroup('MPJoinFutureSynRx'), 'joins');
    assert.equal(counterGroup('ZzNewThing'), 'other');
    assert.equal(counterMeaning('ZzNewThing'), undefined);
    // Own keys only: a kernel name that is an Object.prototype member is just unknown.
    assert.equal(counterMeaning('constructor'), undefined);
    assert.equal(counterGroup('constructor'), 'other');
  });

  it('groups: fallback before handshake, blackhole by name, data-level errors', () => {
    assert.equal(counterGroup('MPCapableFallbackACK'), 'fallback');
    assert.equal(counterGroup('MPCapableSYNTX'), 'handshake');
    assert.equal(counterGroup('MPCapableSYNTXDrop'), 'blackhole');
    assert.equal(counterGroup('Blackhole'), 'blackhole');
    assert.equal(counterGroup('AddAddr'), 'addresses');
    assert.equal(counterGroup('RmAddrTx'), 'addresses');
    assert.equal(counterGroup('DataCsumErr'), 'data');
    assert.equal(counterGroup('MPRstTx'), 'subflows');
    assert.deepEqual(
      groupCounters(mptcpCounters(netstat)).map((g) => [g.group, g.counters.map((c) => c.name)]),
      [
        ['handshake', ['MPCapableSYNRX', 'MPCapableSYNTX', 'MPCurrEstab']],
        ['joins', ['MPJoinSynRx', 'MPJoinFutureSynRx']],
        ['addresses', ['AddAddr', 'RmAddrTx']],
        ['fallback', ['MPCapableFallbackACK']],
        ['blackhole', ['Blackhole']],
        ['data', ['DataCsumErr']],
        ['other', ['ZzNewThing']],
      ],
    );
  });

  it('every counter of this kernel has a meaning', () => {
    const names = mptcpCounters(readFileSync('/proc/net/netstat', 'utf8')).map((c) => c.name);
    assert.ok(names.length > 0, 'the kernel has MPTCP counters');
    assert.deepEqual(names.filter((n) => counterMeaning(n) === undefined), []);
  });

  it('a truncated file (header without values) stops there; no MPTcpExt section is empty', () => {
    assert.deepEqual([...parseNetstat('TcpExt: A B\nTcpExt: 1 2\nMPTcpExt: X Y\n').keys()], ['TcpExt']);
    assert.deepEqual(mptcpCounters('TcpExt: A\nTcpExt: 1\n'), []);
  });
});

describe('--delta arithmetic', () => {
  const c = (pairs: [string, number][]) => pairs.map(([name, value]) => ({ name, value }));
  it('after minus before, in the order of after', () => {
    assert.deepEqual(counterDelta(c([['A', 5], ['B', 10]]), c([['A', 7], ['B', 10]])), c([['A', 2], ['B', 0]]));
  });
  it('a counter new in the second reading counts from 0', () => {
    assert.deepEqual(counterDelta(c([['A', 1]]), c([['A', 1], ['New', 4]])), c([['A', 0], ['New', 4]]));
  });
  it('a counter that went down was reset: the change is its new value; a gauge keeps its signed change', () => {
    const isGauge = (n: string): boolean => gaugeCounters.has(n);
    assert.deepEqual(counterDelta(c([['A', 100], ['MPCurrEstab', 5]]), c([['A', 3], ['MPCurrEstab', 2]]), isGauge), c([['A', 3], ['MPCurrEstab', -3]]));
  });
});

describe('stats options', () => {
  it('accepts the documented combinations', () => {
    assert.deepEqual(parseStatsOptions({}), { all: false, prometheus: false });
    assert.deepEqual(parseStatsOptions({ all: true, delta: '2.5' }), { all: true, prometheus: false, deltaSeconds: 2.5 });
    assert.deepEqual(parseStatsOptions({ watch: '1' }), { all: false, prometheus: false, watchSeconds: 1 });
    assert.deepEqual(parseStatsOptions({ prometheus: true, output: '/tmp/x.prom' }), { all: false, prometheus: true, output: '/tmp/x.prom' });
  });
  for (const [options, message] of [
    [{ watch: '1', delta: '1' }, /cannot be combined/],
    [{ delta: '0' }, /invalid --delta "0"/],
    [{ watch: 'abc' }, /invalid --watch "abc"/],
    [{ watch: '99999999' }, /invalid --watch/],
    [{ output: 'x.prom' }, /--output FILE goes with --prometheus/],
    [{ prometheus: true, delta: '1' }, /takes no --watch or --delta/],
    [{ prometheus: true, output: 'dir/' }, /expected a file name/],
  ] as const) {
    it(`refuses ${JSON.stringify(options)}`, () => assert.throws(() => parseStatsOptions(options), (e: Error) => e instanceof UsageError && message.test(e.message)));
  }
});

describe('stats renderers', () => {
  const counters = mptcpCounters(netstat);
  it('text: groups, aligned, zero values hidden, unknown names without a meaning', () => {
    assert.equal(
      statsText({ counters, all: false }),
      [
        'handshake (MP_CAPABLE)',
        '  MPCapableSYNRX        4  SYNs received with MP_CAPABLE (incoming MPTCP connection attempts)',
        '  MPCapableSYNTX        5  SYNs sent with MP_CAPABLE (outgoing MPTCP connection attempts)',
        '  MPCurrEstab           3  MPTCP connections established now (a gauge: goes down too)',
        'joins (MP_JOIN)',
        '  MPJoinSynRx           2  SYNs received with MP_JOIN (the peer opens an extra subflow)',
        '  MPJoinFutureSynRx     7',
        'fallback to TCP',
        '  MPCapableFallbackACK  1  server side fell back to TCP during the handshake (third ACK without MP_CAPABLE)',
        'other',
        '  ZzNewThing            9',
        '',
      ].join('\n'),
    );
    assert.match(statsText({ counters, all: true }), /^ {2}Blackhole +0 {2}blackholes detected/m);
  });
  it('--delta text: signed changes, unchanged ones hidden', () => {
    const after = counters.map((c) => ({ ...c, value: c.name === 'MPJoinSynRx' ? c.value + 3 : c.value }));
    const delta = new Map(counterDelta(counters, after).map((c) => [c.name, c.value]));
    assert.equal(statsText({ counters: after, delta, deltaOnly: true, all: false }), 'joins (MP_JOIN)\n  MPJoinSynRx  +3  SYNs received with MP_JOIN (the peer opens an extra subflow)\n');
    assert.equal(statsJson({ counters: after, delta, deltaOnly: true, all: false }, false, 5), '{"interval":5,"counters":{"MPJoinSynRx":3}}\n');
  });
  it('JSON: {"counters": {...}} in kernel order; --watch lines with the time and the change', () => {
    assert.equal(
      statsJson({ counters, all: false }, false),
      '{"counters":{"MPCapableSYNRX":4,"MPCapableSYNTX":5,"MPCapableFallbackACK":1,"MPJoinSynRx":2,"MPCurrEstab":3,"MPJoinFutureSynRx":7,"ZzNewThing":9}}\n',
    );
    const at = new Date('2026-12-06T20:00:00.000Z');
    const two = counters.slice(0, 2);
    assert.equal(statsJsonLine({ counters: two, all: false }, at, 2), '{"timestamp":"2026-12-06T20:00:00.000Z","interval":2,"counters":{"MPCapableSYNRX":4,"MPCapableSYNTX":5}}\n');
    const delta = new Map([['MPCapableSYNRX', 0], ['MPCapableSYNTX', 1]]);
    assert.equal(
      statsJsonLine({ counters: two, delta, all: false }, at, 2),
      '{"timestamp":"2026-12-06T20:00:00.000Z","interval":2,"counters":{"MPCapableSYNRX":4,"MPCapableSYNTX":5},"delta":{"MPCapableSYNTX":1}}\n',
    );
  });
});

describe('stats table (terminal, --watch)', () => {
  const counters = mptcpCounters(netstat).slice(0, 2);
  it('one line per counter (no rules between rows), the group named once; --watch adds the change', async () => {
    const style = await paint(false);
    const table = await statsTable({ counters, all: false }, style, false);
    assert.deepEqual(table.split('\n').filter((l) => l.includes('MPCapable')).map((l) => l.split('│').map((c) => c.trim()).filter(Boolean)), [
      ['handshake', 'MPCapableSYNRX', '4', 'SYNs received with MP_CAPABLE (incoming MPTCP connection attempts)'],
      ['MPCapableSYNTX', '5', 'SYNs sent with MP_CAPABLE (outgoing MPTCP connection attempts)'],
    ]);
    assert.equal(table.split('\n').filter((l) => l.startsWith('├')).length, 1, 'only the rule under the heading');
    const watching = await statsTable({ counters, delta: new Map([['MPCapableSYNTX', 2]]), all: false }, style, false);
    assert.match(watching, /│ VALUE +│ CHANGE +│/);
    assert.match(watching, /│ MPCapableSYNTX +│ 5 +│ \+2 +│/);
    assert.equal(await statsTable({ counters: counters.map((c) => ({ ...c, value: 0 })), all: false }, style, false), 'no counter is above zero (--all shows every one)\n');
  });
});

describe('--output: written atomically', () => {
  it('a temporary file in the same directory, renamed over FILE; nothing left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-stats-'));
    try {
      const file = join(dir, 'mptcp.prom');
      writeFileSync(file, 'old\n');
      writeAtomically(file, 'new\n');
      assert.equal(readFileSync(file, 'utf8'), 'new\n');
      assert.deepEqual(readdirSync(dir), ['mptcp.prom']);
      assert.throws(() => writeAtomically(join(dir, 'missing', 'x.prom'), 'x'), /ENOENT/);
      assert.deepEqual(readdirSync(dir), ['mptcp.prom']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exporter options', () => {
  it('--listen: PORT (localhost), ADDR:PORT, [IPv6]:PORT, a host name', () => {
    assert.deepEqual(parseListen('9891'), { host: '127.0.0.1', port: 9891 });
    assert.deepEqual(parseListen('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListen('localhost:9891'), { host: 'localhost', port: 9891 });
    for (const bad of ['', ':80', '1.2.3.4', '1.2.3.4:65536', '::1:80', '[1.2.3.4]:80', 'a b:80', '-x:1']) {
      assert.throws(() => parseListen(bad), UsageError, bad);
    }
  });
  it('defaults: localhost, a connection cap, events on', () => {
    const args = parseExporterOptions({});
    assert.equal(args.host, '127.0.0.1');
    assert.equal(args.events, true);
    assert.equal(args.limits.maxConnections, 128);
    assert.equal(parseExporterOptions({ maxConnections: '4', events: false }).limits.maxConnections, 4);
    assert.throws(() => parseExporterOptions({ maxConnections: '0' }), UsageError);
  });
});

describe('Prometheus metrics', () => {
  const subflow = (state: string, localAddress: string, backup: boolean, ifindex = 0): MptcpSubflow => ({ state, localAddress, backup, ifindex }) as MptcpSubflow;
  const sample: NamespaceSample = {
    counters: mptcpCounters(netstat),
    endpoints: [
      { id: 1, family: 2, address: '10.1.0.1', port: 0, flags: 0x01, ifindex: 0, unknown: [] },
      { id: 2, family: 2, address: '10.2.0.1', port: 0, flags: 0x06 | 0x80, ifindex: 3, unknown: [] },
    ],
    limits: { subflows: 4, addAddrAccepted: 2 },
    interfaces: new Map([
      [2, 'eth1'],
      [3, 'eth2'],
    ]),
    addresses: [{ ifindex: 2, family: 2, address: '10.1.0.1', prefixLength: 24, scope: 0, flags: 0 }],
    connections: [],
    subflows: [subflow('ESTAB', '10.1.0.1', false), subflow('ESTAB', '10.1.0.1', false), subflow('ESTAB', '10.2.0.1', true, 3), subflow('SYN-SENT', '10.9.0.1', false)],
    errors: [],
  };

  it('counters by kernel name, gauges apart, endpoints, limits, subflows by state/interface/backup', async () => {
    const metrics = new MptcpMetrics({ netnsLabel: true, exporter: false });
    metrics.beginScrape();
    metrics.record('blue', sample);
    const text = await metrics.text();
    assert.match(text, /^mptcp_netstat_total\{counter="MPJoinFutureSynRx",netns="blue"\} 7$/m);
    assert.match(text, /^mptcp_netstat_current\{counter="MPCurrEstab",netns="blue"\} 3$/m);
    assert.doesNotMatch(text, /mptcp_netstat_total\{counter="MPCurrEstab"/);
    assert.match(text, /^mptcp_endpoint_info\{id="2",address="10.2.0.1",dev="eth2",flags="subflow,backup,0x80",netns="blue"\} 1$/m);
    assert.match(text, /^mptcp_limit_subflows\{netns="blue"\} 4$/m);
    assert.match(text, /^mptcp_subflows\{state="ESTAB",interface="eth1",backup="0",netns="blue"\} 2$/m);
    assert.match(text, /^mptcp_subflows\{state="ESTAB",interface="eth2",backup="1",netns="blue"\} 1$/m);
    assert.match(text, /^mptcp_subflows\{state="SYN-SENT",interface="",backup="0",netns="blue"\} 1$/m);
    assert.match(text, /^mptcp_namespace_up\{netns="blue"\} 1$/m);
    // A second scrape replaces the values rather than adding to them.
    metrics.beginScrape();
    metrics.record('blue', sample);
    assert.match(await metrics.text(), /^mptcp_netstat_total\{counter="MPJoinFutureSynRx",netns="blue"\} 7$/m);
  });

  it('without -n no netns label; the exporter adds events and its scrape errors', async () => {
    const metrics = new MptcpMetrics({ netnsLabel: false, exporter: true });
    metrics.startEvents(undefined);
    metrics.countEvent(undefined, 10);
    metrics.countEvent(undefined, 42);
    metrics.beginScrape();
    metrics.record(undefined, { ...sample, endpoints: undefined, errors: [{ part: 'endpoints', message: 'x' }] });
    const text = await metrics.text();
    assert.match(text, /^mptcp_netstat_total\{counter="MPCapableSYNRX"\} 4$/m);
    assert.match(text, /^mptcp_events_total\{event="SF_ESTABLISHED"\} 1$/m);
    assert.match(text, /^mptcp_events_total\{event="CREATED"\} 0$/m);
    assert.match(text, /^mptcp_events_total\{event="UNKNOWN_42"\} 1$/m);
    assert.match(text, /^mptcp_exporter_scrape_errors_total\{part="endpoints"\} 1$/m);
    assert.match(text, /^mptcp_namespace_up 0$/m);
    assert.doesNotMatch(text, /netns=/);
  });

  // promtool: Debian's prometheus package (.ci/run installs it).
  it('promtool check metrics passes on the exposition text', async () => {
    const metrics = new MptcpMetrics({ netnsLabel: true, exporter: true });
    metrics.startEvents('blue');
    metrics.beginScrape();
    metrics.record('blue', sample);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.text(), encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.equal(check.stdout + check.stderr, '');
  });
});
