/**
 * `status` and `endpoint show --check` against the real kernel: each lint warning is provoked in
 * a throw-away namespace and asserted in text and JSON, a clean configuration gives none, and
 * status is read under the in-kernel and the userspace PM, with and without live connections.
 */
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MptcpPm } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { EventLog } from '../helpers/events.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetns, createNetnsPair, deleteNetns, ip, sysctl, type NetnsPair } from '../helpers/netns.js';

interface StatusJson {
  netns: string;
  mptcp_enabled: boolean;
  path_manager: { name: string; sysctl: string; available?: string[] };
  scheduler: { name: string };
  settings: Record<string, string>;
  family: { name: string; version: number; operations: { id: number; name: string; flags: string[] }[]; groups: { name: string; id: number }[] };
  features: Record<string, { supported?: boolean; evidence: string }>;
  limits: { add_addr_accepted: number; subflows: number };
  endpoints: Record<string, unknown>[];
  connections: { connections: number; clients: number; servers: number; single_subflow: number; listeners: number };
  event_subscribers: number;
  warnings: { code: string; endpoint_id?: number; message: string; why: string; fix: string }[];
}

function ok(netns: string, ...args: string[]): string {
  const r = runCli(['-n', netns, ...args]);
  assert.equal(r.status, 0, `mptcpctl ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

const statusJson = (netns: string): StatusJson => JSON.parse(ok(netns, '-j', 'status')) as StatusJson;
const codes = (netns: string): string[] => statusJson(netns).warnings.map((w) => w.code);
/** The `[code]` of every warning line of the text output. */
const textCodes = (text: string): string[] => [...text.matchAll(/^warning: .* \[([a-z0-9-]+)\]$/gm)].map((m) => m[1]!);

describe('lint warnings, provoked one by one', () => {
  let ns: string;
  before(() => {
    ns = createNetns('lint');
    ip(ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip(ns, 'link', 'add', 'veth2', 'type', 'veth', 'peer', 'name', 'veth3');
    for (const dev of ['veth0', 'veth1', 'veth2', 'veth3']) ip(ns, 'link', 'set', dev, 'up');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'veth0');
    ip(ns, 'addr', 'add', '10.0.1.2/24', 'dev', 'veth0');
    ip(ns, 'addr', 'add', '10.0.2.1/24', 'dev', 'veth1');
    ip(ns, 'addr', 'add', 'fe80::a1/64', 'dev', 'veth0', 'nodad');
  });
  after(() => deleteNetns(ns));
  /** The clean configuration every case starts from (and ends in, for the next one). */
  beforeEach(() => {
    sysctl(ns, 'net.mptcp.enabled', 1);
    sysctl(ns, 'net.mptcp.path_manager', 'kernel');
    ip(ns, 'mptcp', 'endpoint', 'flush');
    ip(ns, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1', 'signal');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.2.1', 'id', '2', 'subflow', 'dev', 'veth1');
  });

  it('a clean configuration gives no warning (status and endpoint show --check)', () => {
    const text = ok(ns, 'status');
    assert.match(text, /^warnings {11}none$/m);
    assert.deepEqual(textCodes(text), []);
    assert.deepEqual(statusJson(ns).warnings, []);
    assert.equal(ok(ns, 'endpoint', 'show', '--check'), ok(ns, 'endpoint', 'show'));
    assert.deepEqual(JSON.parse(ok(ns, '-j', 'endpoint', 'show', '--check')), {
      endpoints: [
        { address: '10.0.1.1', id: 1, signal: true },
        { address: '10.0.2.1', id: 2, subflow: true, dev: 'veth1' },
      ],
      warnings: [],
    });
  });

  /** [what is done, the warning codes it must give, a word the fix must contain]. */
  const cases: [string, () => void, string[], string][] = [
    ['an endpoint address not configured here', () => ip(ns, 'mptcp', 'endpoint', 'add', '10.0.9.9', 'id', '9', 'signal'), ['endpoint-address-missing'], 'ip -n NS addr add 10.0.9.9/24'],
    [
      'an endpoint whose device is gone',
      () => {
        ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.2', 'id', '9', 'subflow', 'dev', 'veth2');
        ip(ns, 'link', 'del', 'veth2');
      },
      ['endpoint-device-gone'],
      'endpoint add 10.0.1.2 dev veth0 id 9 subflow',
    ],
    ['an IPv6 link-local endpoint without dev', () => ip(ns, 'mptcp', 'endpoint', 'add', 'fe80::a1', 'id', '7', 'subflow'), ['link-local-without-dev'], 'endpoint add fe80::a1 dev veth0 id 7 subflow'],
    ['a subflows limit below the subflow endpoints', () => ip(ns, 'mptcp', 'limits', 'set', 'subflows', '0'), ['subflows-limit'], 'limits set subflows 1'],
    ['add_addr_accepted 0', () => ip(ns, 'mptcp', 'limits', 'set', 'add_addr_accepted', '0'), ['add-addr-accepted-zero'], 'limits set add_addr_accepted 2'],
    ['MPTCP disabled', () => sysctl(ns, 'net.mptcp.enabled', 0), ['mptcp-disabled'], 'sysctl -w net.mptcp.enabled=1'],
    [
      'the userspace PM with endpoints and nothing subscribed to events',
      () => sysctl(ns, 'net.mptcp.path_manager', 'userspace'),
      ['userspace-no-listener', 'endpoints-unused'],
      'monitor',
    ],
  ];
  for (const [name, provoke, expected, fixWord] of cases) {
    it(name, () => {
      provoke();
      const json = statusJson(ns);
      assert.deepEqual(json.warnings.map((w) => w.code), expected);
      assert.ok(json.warnings.some((w) => w.fix.includes(fixWord.replace('NS', ns))), `a fix mentions "${fixWord}": ${JSON.stringify(json.warnings)}`);
      for (const w of json.warnings) assert.ok(w.why.length > 20, `${w.code} says why it matters`);
      const text = ok(ns, 'status');
      assert.deepEqual(textCodes(text), expected);
      assert.match(text, new RegExp(`^warnings {11}${expected.length}$`, 'm'));
      assert.deepEqual((JSON.parse(ok(ns, '-j', 'endpoint', 'show', '--check')) as StatusJson).warnings, json.warnings);
      assert.deepEqual(textCodes(ok(ns, 'endpoint', 'show', '--check')), expected);
    });
  }

  it('a subflow endpoint without dev', () => {
    ip(ns, 'mptcp', 'endpoint', 'delete', 'id', '2');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.2.1', 'id', '2', 'subflow');
    const [w] = statusJson(ns).warnings;
    assert.deepEqual(w, {
      code: 'endpoint-without-dev',
      endpoint_id: 2,
      message: 'endpoint 10.0.2.1 id 2: a subflow endpoint without "dev"',
      why: "subflows from it leave through whatever interface the routing table picks for the peer (usually the default route's), not veth1 that owns 10.0.2.1, so the second path may not be used",
      fix: `mptcpctl -n ${ns} endpoint delete id 2 && mptcpctl -n ${ns} endpoint add 10.0.2.1 dev veth1 id 2 subflow`,
    });
    assert.equal(
      ok(ns, 'endpoint', 'show', '--check'),
      '10.0.1.1 id 1 signal \n10.0.2.1 id 2 subflow \n' +
        'warning: endpoint 10.0.2.1 id 2: a subflow endpoint without "dev" [endpoint-without-dev]\n' +
        `  why: ${w!.why}\n  fix: ${w!.fix}\n`,
    );
  });

  it('the fix of a warning makes it go away', () => {
    ip(ns, 'mptcp', 'endpoint', 'delete', 'id', '2');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.2.1', 'id', '2', 'subflow');
    const { fix } = statusJson(ns).warnings[0]!;
    for (const command of fix.split(' && ')) ok(ns, ...command.replace(`mptcpctl -n ${ns} `, '').split(' '));
    assert.deepEqual(codes(ns), []);
  });

  it('signal together with fullmesh cannot be configured on this kernel (the rule is for endpoints older kernels made)', async () => {
    const pm = await MptcpPm.open({ netns: ns });
    try {
      await assert.rejects(pm.addEndpoint({ address: '10.0.1.1', id: 5, flags: 0x01 | 0x08 }), { extackMessage: "flags mustn't have both signal and fullmesh" });
      await assert.rejects(pm.setEndpointFlags({ id: 1, flags: 0x08 }), { extackMessage: 'invalid addr flags' });
    } finally {
      await pm.close();
    }
    assert.deepEqual(codes(ns), []);
  });

  it('the userspace PM with a subscriber and no endpoints is clean; the subscriber is counted', async () => {
    sysctl(ns, 'net.mptcp.path_manager', 'userspace');
    ip(ns, 'mptcp', 'endpoint', 'flush');
    const pm = await MptcpPm.open({ netns: ns });
    const log = await EventLog.start(pm, ns);
    try {
      const json = statusJson(ns);
      assert.equal(json.event_subscribers, 1);
      assert.deepEqual(json.warnings, []);
    } finally {
      await log.stop();
      await pm.close();
    }
    assert.deepEqual(codes(ns), ['userspace-no-listener']);
  });
});

describe('status under each path manager, with and without connections', () => {
  let pair: NetnsPair | undefined;
  const peers: Peer[] = [];
  const pms: MptcpPm[] = [];
  const logs: EventLog[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
    for (const l of logs.splice(0)) await l.stop();
    for (const pm of pms.splice(0)) await pm.close();
    if (pair) for (const n of [pair.a, pair.b]) deleteNetns(n);
    pair = undefined;
  });

  it('in-kernel PM: what the namespace is, and no connections yet', () => {
    pair = createNetnsPair('stk', 1);
    const json = statusJson(pair.a);
    assert.equal(json.netns, pair.a);
    assert.equal(json.mptcp_enabled, true);
    assert.deepEqual(json.path_manager, { name: 'kernel', sysctl: 'net.mptcp.path_manager', available: ['kernel', 'userspace'] });
    assert.equal(json.settings['net.mptcp.pm_type'], '0');
    assert.equal(json.family.name, 'mptcp_pm');
    assert.deepEqual(
      json.family.operations.map((o) => o.name),
      ['ADD_ADDR', 'DEL_ADDR', 'GET_ADDR', 'FLUSH_ADDRS', 'SET_LIMITS', 'GET_LIMITS', 'SET_FLAGS', 'ANNOUNCE', 'REMOVE', 'SUBFLOW_CREATE', 'SUBFLOW_DESTROY'],
    );
    assert.deepEqual(json.family.operations[2]!.flags, ['DO', 'DUMP', 'HASPOL']);
    assert.deepEqual(json.family.groups.map((g) => g.name).sort(), ['mptcp_pm_cmds', 'mptcp_pm_events']);
    for (const feature of ['userspace-pm', 'events', 'get-addr-by-token', 'unprivileged-endpoint-show', 'listener-events', 'laminar']) {
      assert.equal(json.features[feature]?.supported, true, feature);
    }
    assert.match(json.features['get-addr-by-token']!.evidence, /policy accepts attribute token/);
    assert.deepEqual(json.limits, { add_addr_accepted: 0, subflows: 2 });
    assert.deepEqual(json.connections, { connections: 0, clients: 0, servers: 0, single_subflow: 0, listeners: 0 });
    // The default limits: a peer's announcements would be ignored.
    assert.deepEqual(json.warnings.map((w) => w.code), ['add-addr-accepted-zero']);
    const text = ok(pair.a, 'status');
    assert.match(text, /^path manager {7}kernel \(net\.mptcp\.path_manager; available: kernel userspace\)$/m);
    assert.match(text, /^connections {8}0 \(0 client, 0 server; 0 with a single subflow\), 0 listeners$/m);
  });

  it('in-kernel PM with a connection: counted on both sides, tokens not shown', async () => {
    pair = createNetnsPair('stc', 1);
    peers.push(await startServer(pair.b, '0.0.0.0', 10200));
    peers.push(await startClient(pair.a, pair.links[0]!.b4, 10200));
    const a = statusJson(pair.a);
    const b = statusJson(pair.b);
    assert.deepEqual(a.connections, { connections: 1, clients: 1, servers: 0, single_subflow: 1, listeners: 0 });
    assert.deepEqual(b.connections, { connections: 1, clients: 0, servers: 1, single_subflow: 1, listeners: 1 });
    const [conn] = JSON.parse(ok(pair.a, '-j', 'connection', 'show')) as { token: string }[];
    const token = conn!.token.replace(/^0x/, '');
    for (const output of [ok(pair.a, 'status'), ok(pair.a, '-j', 'status')]) assert.ok(!output.includes(token.padStart(8, '0')) && !output.includes(conn!.token), 'no token in status');
  });

  it('userspace PM with a connection and a subscriber in each namespace', async () => {
    pair = createNetnsPair('stu', 1);
    for (const n of [pair.a, pair.b]) {
      sysctl(n, 'net.mptcp.path_manager', 'userspace');
      const pm = await MptcpPm.open({ netns: n });
      pms.push(pm);
      logs.push(await EventLog.start(pm, n));
    }
    peers.push(await startServer(pair.b, '0.0.0.0', 10201));
    peers.push(await startClient(pair.a, pair.links[0]!.b4, 10201));
    const a = statusJson(pair.a);
    assert.equal(a.path_manager.name, 'userspace');
    assert.equal(a.settings['net.mptcp.pm_type'], '1');
    assert.equal(a.event_subscribers, 1);
    assert.deepEqual(a.connections, { connections: 1, clients: 1, servers: 0, single_subflow: 1, listeners: 0 });
    assert.deepEqual(a.warnings, [], 'limits are not linted under the userspace PM');
    assert.match(ok(pair.a, 'status'), /^event subscribers {2}1$/m);
  });

  it('userspace PM without a subscriber: the warning names the drop', () => {
    pair = createNetnsPair('stn', 1);
    sysctl(pair.a, 'net.mptcp.path_manager', 'userspace');
    const [w] = statusJson(pair.a).warnings;
    assert.equal(w!.code, 'userspace-no-listener');
    assert.match(w!.why, /drops them/);
    assert.equal(w!.fix, `start the path-manager daemon, or keep mptcpctl -n ${pair.a} monitor running`);
  });
});
