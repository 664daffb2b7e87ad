/**
 * `connection explain`'s verdicts as tables: snapshot -> the verdict code of each path (and the
 * connection's notes), plus its parsing, the counter comparison and the route and link codecs.
 * The kernel tests (test/kernel/connection-explain.test.ts) provoke each verdict for real.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainConnections, routeKey, routeQueries, selectConnections, type ExplainSnapshot } from '../../src/diag/explain.js';
import { countersMoved } from '../../src/diag/mptcp-counters.js';
import type { MptcpConnection, MptcpSubflow } from '../../src/diag/records.js';
import type { Endpoint } from '../../src/mptcp/records.js';
import { AddressFlag as F } from '../../src/families/mptcp-pm.js';
import { decodeLinkStates } from '../../src/netlink/rtnl-link.js';
import { decodeRouteReply, encodeRouteRequest } from '../../src/netlink/rtnl-route.js';
import { parseAddressPort, parseExplainArgs } from '../../src/cli/commands/connection-explain.js';
import { explanationJson, explanationText } from '../../src/cli/output/records/connection-explain.js';
import { UsageError } from '../../src/errors.js';

const TOKEN = 0x1a2b3c4d;

function ep(address: string, id: number, flags: number, ifindex = 0): Endpoint {
  return { id, family: address.includes(':') ? 10 : 2, address, port: 0, flags, ifindex, unknown: [] };
}

function conn(over: Partial<MptcpConnection> = {}): MptcpConnection {
  return {
    family: 2, state: 'ESTAB', stateId: 1, localAddress: '10.1.0.1', localPort: 40000, remoteAddress: '10.1.0.2', remotePort: 5000,
    ifindex: 0, v6only: false, cookie: 1n, inode: 1, uid: 0, recvQ: 0, sendQ: 0, unknown: [],
    token: TOKEN, side: 'client', sideEvidence: 'initial-subflow', subflows: 1, extraSubflows: 0, addAddrSignal: 0, addAddrAccepted: 0,
    subflowsMax: 2, addAddrSignalMax: 0, addAddrAcceptedMax: 2, flags: 0x2, flagNames: ['remote_key'], writeSeq: 0n, sndUna: 0n, rcvNxt: 0n, infoSize: 96,
    ...over,
  };
}

function subflow(local: string, remote: string, over: Partial<MptcpSubflow> = {}): MptcpSubflow {
  return {
    family: 2, state: 'ESTAB', stateId: 1, localAddress: local, localPort: 40000, remoteAddress: remote, remotePort: 5000,
    ifindex: 0, v6only: false, cookie: 2n, inode: 0, uid: 0, recvQ: 0, sendQ: 0, unknown: [],
    token: TOKEN, remoteToken: 0, localId: 0, remoteId: 0, flags: 0, flagNames: [], backup: false, backupLocal: false, backupRemote: false,
    relwriteSeq: 0, mapSeq: 0n, mapSfseq: 0, ssnOffset: 0, mapDatalen: 0, subflowUnknown: [], ulpUnknown: [],
    ...over,
  };
}

/** A client with one subflow endpoint 10.2.0.1 on va1 (ifindex 3), everything allowing the second subflow. */
function base(): ExplainSnapshot {
  return {
    netns: 'blue',
    kernelRelease: '6.18.44',
    sysctls: { 'net.mptcp.enabled': '1', 'net.mptcp.path_manager': 'kernel' },
    enabled: true,
    pathManager: { name: 'kernel', sysctl: 'net.mptcp.path_manager' },
    limits: { subflows: 2, addAddrAccepted: 2 },
    endpoints: [ep('10.2.0.1', 1, F.subflow, 3)],
    links: new Map([
      [2, { index: 2, name: 'va0', up: true, lowerUp: true }],
      [3, { index: 3, name: 'va1', up: true, lowerUp: true }],
    ]),
    addresses: [
      { ifindex: 2, family: 2, address: '10.1.0.1', prefixLength: 24, scope: 0, flags: 0 },
      { ifindex: 3, family: 2, address: '10.2.0.1', prefixLength: 24, scope: 0, flags: 0 },
    ],
    connections: [conn()],
    subflows: [subflow('10.1.0.1', '10.1.0.2', { flags: 0x2 })],
    routes: new Map([[routeKey({ dst: '10.1.0.2', src: '10.2.0.1', oif: 3 }), { ok: true, oif: 3 }]]),
    counters: { values: {}, moved: {}, baseline: 'none' },
  };
}

/** The verdict code of the path from the endpoint 10.2.0.1 to the peer's initial address. */
function endpointPath(s: ExplainSnapshot): { code: string; likely: boolean; fix?: string } {
  const c = explainConnections(s).connections[0]!;
  const p = c.paths.find((x) => x.localId === 1 && x.remoteId === 0)!;
  return p.verdict;
}

describe('explain: one verdict per path', () => {
  const cases: [string, (s: ExplainSnapshot) => void, string, boolean][] = [
    ['a subflow from the endpoint exists', (s) => s.subflows.push(subflow('10.2.0.1', '10.1.0.2', { localId: 1 })), 'subflow-exists', false],
    ['nothing here prevents it and no join was sent', () => {}, 'peer-deny-join-id0', true],
    ['joins were sent and reset', (s) => (s.counters.values = { MPJoinSynTx: 1, MPRstTx: 1 }), 'peer-limit', true],
    ['a join failed here (bind error)', (s) => (s.counters.values = { MPJoinSynTxBindErr: 1 }), 'join-failed-here', true],
    ['subflows limit 0', (s) => (s.connections[0] = conn({ subflowsMax: 0 })), 'limit-subflows', false],
    ['the endpoint is signal only', (s) => (s.endpoints[0] = ep('10.2.0.1', 1, F.signal, 3)), 'endpoint-no-subflow-flag', false],
    ['the endpoint is backup only', (s) => (s.endpoints[0] = ep('10.2.0.1', 1, F.backup, 3)), 'endpoint-no-subflow-flag', false],
    ['fullmesh opens subflows to the initial address too', (s) => ((s.endpoints[0] = ep('10.2.0.1', 1, F.fullmesh, 3)), (s.connections[0] = conn({ subflowsMax: 0 }))), 'limit-subflows', false],
    ['its device is down', (s) => (s.links.get(3)!.up = false), 'endpoint-dev-down', false],
    ['its device has no carrier', (s) => (s.links.get(3)!.lowerUp = false), 'endpoint-dev-down', false],
    ['its device is gone', (s) => s.links.delete(3), 'endpoint-dev-missing', false],
    ['its address is gone', (s) => s.addresses.pop(), 'endpoint-address-gone', false],
    ['its address is tentative', (s) => (s.addresses[1]!.flags = 0x40 | 0x08), 'endpoint-tentative', false],
    ['no route from it', (s) => s.routes.set(routeKey({ dst: '10.1.0.2', src: '10.2.0.1', oif: 3 }), { ok: false, errno: 101, errnoName: 'ENETUNREACH' }), 'no-route', false],
    [
      'an IPv6 endpoint with a device and no route through it (a bound subflow looks up only there)',
      (s) => {
        s.connections[0] = conn({ family: 10, localAddress: '2001:db8:1::1', remoteAddress: '2001:db8:1::2' });
        s.subflows = [subflow('2001:db8:1::1', '2001:db8:1::2')];
        s.endpoints[0] = ep('2001:db8:2::1', 1, F.subflow, 3);
        s.addresses.push({ ifindex: 3, family: 10, address: '2001:db8:2::1', prefixLength: 64, scope: 0, flags: 0x80 });
        s.routes.set(routeKey({ dst: '2001:db8:1::2', src: '2001:db8:2::1', oif: 3 }), { ok: true, oif: 2 });
        s.routes.set(routeKey({ dst: '2001:db8:1::2', oif: 3 }), { ok: false, errno: 101, errnoName: 'ENETUNREACH' });
      },
      'no-route',
      false,
    ],
    ['an IPv6 endpoint for an IPv4 peer', (s) => (s.endpoints[0] = ep('2001:db8:2::1', 1, F.subflow, 3)), 'family-mismatch', false],
    ['the connection fell back to TCP', (s) => ((s.connections[0] = conn({ flags: 1 })), (s.counters.values = { MPCapableFallbackSYNACK: 1 })), 'fallback-tcp', true],
    ['the userspace PM runs it (MPTCP_INFO shows no in-kernel limits)', (s) => (s.connections[0] = conn({ subflowsMax: 0, addAddrAcceptedMax: 0 })), 'userspace-pm', false],
    ['this end accepted the connection', (s) => (s.connections[0] = conn({ side: 'server' })), 'server-side', false],
  ];
  for (const [what, change, code, likely] of cases) {
    it(`${what} -> ${code}${likely ? ' (likely)' : ''}`, () => {
      const s = base();
      change(s);
      const v = endpointPath(s);
      assert.equal(v.code, code);
      assert.equal(v.likely, likely);
    });
  }

  it('the initial path is the initial subflow, or says it closed', () => {
    const s = base();
    const initial = () => explainConnections(s).connections[0]!.paths.find((p) => p.localId === 0 && p.remoteId === 0)!.verdict.code;
    assert.equal(initial(), 'subflow-exists');
    s.subflows = [];
    assert.equal(initial(), 'initial-subflow-closed');
  });

  it('a route for a bound IPv6 subflow is suggested for the peer network, with a high metric', () => {
    const s = base();
    s.connections[0] = conn({ family: 10, localAddress: '2001:db8:1::1', remoteAddress: '2001:db8:1::2' });
    s.subflows = [subflow('2001:db8:1::1', '2001:db8:1::2')];
    s.endpoints[0] = ep('2001:db8:2::1', 1, F.subflow, 3);
    s.addresses.push({ ifindex: 2, family: 10, address: '2001:db8:1::1', prefixLength: 64, scope: 0, flags: 0x80 }, { ifindex: 3, family: 10, address: '2001:db8:2::1', prefixLength: 64, scope: 0, flags: 0x80 });
    s.routes.set(routeKey({ dst: '2001:db8:1::2', oif: 3 }), { ok: false, errno: 101, errnoName: 'ENETUNREACH' });
    assert.match(endpointPath(s).fix!, /ip -n blue route add 2001:db8:1::\/64 via GATEWAY dev va1 metric 1024 /);
    s.addresses[0] = { ifindex: 2, family: 2, address: '10.1.0.1', prefixLength: 20, scope: 0, flags: 0 };
    s.connections[0] = conn({ remoteAddress: '10.1.9.2' });
    s.subflows = [subflow('10.1.0.1', '10.1.9.2')];
    s.endpoints[0] = ep('10.2.0.1', 1, F.subflow);
    s.routes = new Map([[routeKey({ dst: '10.1.9.2', src: '10.2.0.1' }), { ok: false, errno: 101, errnoName: 'ENETUNREACH' }]]);
    assert.match(endpointPath(s).fix!, /ip -n blue route add 10\.1\.9\.2 via GATEWAY dev va1 table TABLE /);
  });

  it('a subflow from a source the kernel picked (not an endpoint) is a path of its own', () => {
    const s = base();
    s.endpoints = [];
    s.subflows.push(subflow('10.2.0.1', '10.2.0.2', { localId: 0, remoteId: 1 }));
    const e = explainConnections(s);
    assert.deepEqual(
      e.connections[0]!.paths.map((p) => [p.local, p.localId, p.remote, p.remoteId, p.verdict.code]),
      [
        ['10.1.0.1', 0, '10.1.0.2', 0, 'subflow-exists'],
        ['10.1.0.1', 0, '10.2.0.2', 1, 'other-source-used'],
        ['10.2.0.1', 0, '10.2.0.2', 1, 'subflow-exists'],
      ],
    );
    assert.match(explanationText(e), /^ {2}path 10\.2\.0\.1 \(id 0\) -> 10\.2\.0\.2 \(id 1\): subflow 10\.2\.0\.1:40000 -> 10\.2\.0\.2:5000 ESTAB/m);
  });

  it('towards an announced address: fullmesh, or laminar on 6.18+, and the fix says which', () => {
    /** The verdict of endpoint id 1 towards the announced 10.3.0.2 (reached from the initial address). */
    const announced = (flags: number, release: string) => {
      const s = base();
      s.kernelRelease = release;
      s.endpoints[0] = ep('10.2.0.1', 1, flags, 3);
      s.subflows.push(subflow('10.1.0.1', '10.3.0.2', { localId: 0, remoteId: 7 }));
      s.routes.set(routeKey({ dst: '10.3.0.2', src: '10.2.0.1', oif: 3 }), { ok: true, oif: 3 });
      return explainConnections(s).connections[0]!.paths.find((p) => p.localId === 1 && p.remoteId === 7)!.verdict;
    };
    assert.equal(announced(F.subflow, '6.18.44').code, 'endpoint-no-subflow-flag');
    assert.match(announced(F.subflow, '6.18.44').fix!, /endpoint add 10\.2\.0\.1 dev va1 id 1 laminar /);
    assert.match(announced(F.subflow, '6.12.1').fix!, /endpoint add 10\.2\.0\.1 dev va1 id 1 fullmesh /);
    assert.equal(announced(F.laminar, '6.18.44').code, 'not-tried');
    assert.equal(announced(F.laminar, '6.17.0').code, 'endpoint-no-subflow-flag');
    assert.equal(announced(F.fullmesh, '6.12.1').code, 'not-tried');
  });

  it('fallback causes from the counters: blackhole detection, a peer without MPTCP, data fallback', () => {
    const note = (counters: Record<string, number>) => {
      const s = base();
      s.connections[0] = conn({ flags: 1 });
      s.counters.values = counters;
      return explainConnections(s).connections[0]!.notes[0]!;
    };
    const cases: [Record<string, number>, RegExp, boolean][] = [
      [{ Blackhole: 1, MPCapableSYNTXDisabled: 3 }, /blackhole detection had turned MPTCP off/, true],
      [{ MPCapableFallbackSYNACK: 1 }, /the peer answered without MP_CAPABLE/, true],
      [{ DssFallback: 1 }, /after it started: MPTCP options were lost or data was altered/, true],
      [{}, /no subflow can be added to it/, false],
    ];
    for (const [counters, message, likely] of cases) {
      const n = note(counters);
      assert.equal(n.code, 'fallback-tcp');
      assert.match(n.message, message);
      assert.equal(n.likely, likely);
      assert.ok(n.evidence.includes('MPTCP_INFO flags: fallback'));
    }
  });

  it('fixes name the namespace and the command to run', () => {
    const s = base();
    s.connections[0] = conn({ subflowsMax: 0 });
    assert.equal(endpointPath(s).fix, 'mptcpctl -n blue limits set subflows 1 (new connections)');
    const t = base();
    t.endpoints[0] = ep('10.2.0.1', 1, F.signal, 3);
    assert.equal(endpointPath(t).fix, 'mptcpctl -n blue endpoint delete id 1 && mptcpctl -n blue endpoint add 10.2.0.1 dev va1 id 1 signal subflow (new connections)');
    const u = base();
    u.links.get(3)!.up = false;
    assert.equal(endpointPath(u).fix, 'ip -n blue link set va1 up');
  });

  it('the userspace PM is only "likely" when the in-kernel limits are 0 (MPTCP_INFO cannot tell)', () => {
    const s = base();
    s.limits = { subflows: 0, addAddrAccepted: 0 };
    s.pathManager = { name: 'userspace', sysctl: 'net.mptcp.path_manager' };
    s.connections[0] = conn({ subflowsMax: 0, addAddrAcceptedMax: 0 });
    const notes = explainConnections(s).connections[0]!.notes;
    assert.deepEqual(notes.map((n) => [n.code, n.likely]), [['userspace-pm', true]]);
  });

  it('announced addresses dropped with add_addr_accepted 0 give a connection note', () => {
    const s = base();
    s.connections[0] = conn({ addAddrAcceptedMax: 0 });
    assert.deepEqual(explainConnections(s).connections[0]!.notes, []);
    s.counters.values = { AddAddr: 1, AddAddrDrop: 1 };
    assert.deepEqual(explainConnections(s).connections[0]!.notes.map((n) => n.code), ['limit-add-addr-accepted']);
  });

  it('MPTCP disabled is said for the namespace, with or without connections', () => {
    const s = base();
    s.enabled = false;
    s.sysctls['net.mptcp.enabled'] = '0';
    s.connections = [];
    const e = explainConnections(s);
    assert.deepEqual(e.namespace.map((v) => v.code), ['mptcp-disabled']);
    assert.equal(e.namespace[0]!.fix, 'ip netns exec blue sysctl -w net.mptcp.enabled=1 (new connections)');
  });

  it('blackhole detection is said for the namespace while it is on', () => {
    const s = base();
    s.counters.values = { Blackhole: 1, MPCapableSYNTXDisabled: 2 };
    s.sysctls['net.mptcp.blackhole_timeout'] = '3600';
    assert.deepEqual(explainConnections(s).namespace.map((v) => [v.code, v.likely]), [['blackhole-detected', true]]);
    s.sysctls['net.mptcp.blackhole_timeout'] = '0';
    assert.deepEqual(explainConnections(s).namespace, []);
  });

  it('a server with a signal endpoint: announced but not echoed, or the peer did not join', () => {
    const s = base();
    s.endpoints[0] = ep('10.2.0.1', 1, F.signal, 3);
    s.connections[0] = conn({ side: 'server', addAddrSignal: 1 });
    assert.equal(endpointPath(s).code, 'add-addr-not-echoed');
    s.counters.values = { AddAddrTx: 1, EchoAdd: 1 };
    assert.equal(endpointPath(s).code, 'peer-limit');
    s.connections[0] = conn({ side: 'server', addAddrSignal: 0 });
    assert.equal(endpointPath(s).code, 'not-announced');
    // The peer joined the announced address from another of its addresses: that is the path's subflow.
    s.subflows.push(subflow('10.2.0.1', '10.2.0.9', { localId: 1, remoteId: 0 }));
    assert.equal(endpointPath(s).code, 'subflow-exists');
  });

  it('counters are shown with how much they moved since the last look', () => {
    const s = base();
    s.counters = { values: { MPJoinSynTx: 3, MPRstTx: 3 }, moved: { MPJoinSynTx: 1 }, baseline: 'last-look' };
    const v = explainConnections(s).connections[0]!.paths.find((p) => p.localId === 1)!.verdict;
    assert.deepEqual(v.evidence, ['MPTcpExtMPJoinSynTx 3 (+1 since the last look)', 'MPTcpExtMPRstTx 3 (+0 since the last look)']);
  });

  it('route queries: one per endpoint x peer address of the same family, with the endpoint device', () => {
    const s = base();
    s.endpoints.push(ep('2001:db8:2::1', 2, F.subflow), ep('10.3.0.1', 3, F.subflow));
    assert.deepEqual(routeQueries(s, s.connections), [
      { dst: '10.1.0.2', src: '10.2.0.1', oif: 3 },
      { dst: '10.1.0.2', src: '10.3.0.1' },
    ]);
    s.connections = [conn({ family: 10, localAddress: '2001:db8:1::1', remoteAddress: '2001:db8:1::2' })];
    s.subflows = [];
    s.endpoints = [ep('2001:db8:2::1', 2, F.subflow, 3)];
    assert.deepEqual(routeQueries(s, s.connections), [
      { dst: '2001:db8:1::2', src: '2001:db8:2::1', oif: 3 },
      { dst: '2001:db8:1::2', oif: 3 },
    ]);
  });
});

describe('explain: filters', () => {
  const connections = [conn(), conn({ token: 2, remoteAddress: '10.9.0.2', remotePort: 80, localAddress: '10.9.0.1' }), conn({ token: 0, state: 'LISTEN' })];
  const tokens = (f: Parameters<typeof selectConnections>[1]) => selectConnections(connections, f).map((c) => c.token);
  it('selects by token, dst and src with optional ports; never listeners', () => {
    assert.deepEqual(tokens({}), [TOKEN, 2]);
    assert.deepEqual(tokens({ token: 2 }), [2]);
    assert.deepEqual(tokens({ dst: { address: '10.9.0.2' } }), [2]);
    assert.deepEqual(tokens({ dst: { address: '10.9.0.2', port: 81 } }), []);
    assert.deepEqual(tokens({ src: { address: '10.1.0.1', port: 40000 } }), [TOKEN]);
  });
  it('parses the words, and refuses what is wrong with a usage error', () => {
    assert.deepEqual(parseExplainArgs([]), {});
    assert.deepEqual(parseExplainArgs(['t', '0x1a2b3c4d', 'dst', '10.1.0.2:5000']), { token: TOKEN, dst: { address: '10.1.0.2', port: 5000 } });
    assert.deepEqual(parseAddressPort('[2001:db8::1]:80', 'src'), { address: '2001:db8::1', port: 80 });
    assert.deepEqual(parseAddressPort('2001:db8:0::1', 'src'), { address: '2001:db8::1' });
    for (const bad of [['dst'], ['dst', '10.1.0.x'], ['dst', '10.1.0.2:0'], ['via', '1'], ['dst', '10.0.0.1', 'dst', '10.0.0.2'], ['token', 'zz']]) {
      assert.throws(() => parseExplainArgs(bad), UsageError, bad.join(' '));
    }
  });
});

describe('explain: rendering', () => {
  it('text: the connection, its subflows, then one line per path with the code, fix and evidence', () => {
    const s = base();
    s.connections[0] = conn({ subflowsMax: 0 });
    assert.equal(
      explanationText(explainConnections(s)),
      'token 1a2b3c4d client 10.1.0.1:40000 -> 10.1.0.2:5000 ESTAB, 1 subflow\n' +
        '  subflow 10.1.0.1:40000 -> 10.1.0.2:5000 ESTAB id-loc 0 id-rem 0\n' +
        '  path 10.1.0.1 (initial) -> 10.1.0.2 (initial): subflow 10.1.0.1:40000 -> 10.1.0.2:5000 ESTAB (id-loc 0 id-rem 0) [subflow-exists]\n' +
        '  path 10.2.0.1 (id 1) -> 10.1.0.2 (initial): this connection has 0 additional subflows and the subflows limit is 0 [limit-subflows]\n' +
        '    fix: mptcpctl -n blue limits set subflows 1 (new connections)\n' +
        '    evidence: MPTCP_INFO subflows 0, subflows_max 0\n',
    );
  });
  it('JSON carries the same verdicts', () => {
    const j = JSON.parse(explanationJson(explainConnections(base()), false)) as { connections: { token: string; paths: { code: string; likely: boolean }[] }[] };
    assert.equal(j.connections[0]!.token, '1a2b3c4d');
    assert.deepEqual(j.connections[0]!.paths.map((p) => [p.code, p.likely]), [['subflow-exists', false], ['peer-deny-join-id0', true]]);
  });
});

describe('counters since the last look', () => {
  it('differences, a reset counter counting whole, and no baseline on the first look', () => {
    assert.deepEqual(countersMoved(undefined, { A: 2, B: 0 }), { values: { A: 2, B: 0 }, moved: { A: 2 }, baseline: 'none' });
    assert.deepEqual(countersMoved({ A: 2, B: 5 }, { A: 3, B: 1, C: 4 }), { values: { A: 3, B: 1, C: 4 }, moved: { A: 1, B: 1, C: 4 }, baseline: 'last-look' });
  });
});

describe('rtnetlink codecs for explain', () => {
  it('RTM_GETROUTE request: rtmsg with full-length dst and src, then RTA_DST, RTA_SRC, RTA_OIF', () => {
    const m = encodeRouteRequest({ dst: '10.1.0.2', src: '10.2.0.1', oif: 3 }, 7)!;
    assert.equal(
      m.toString('hex'),
      '34000000' + '1a00' + '0500' + '07000000' + '00000000' + // header: len 52, RTM_GETROUTE, REQUEST|ACK, seq 7, pid 0
        '02' + '20' + '20' + '00' + '00000000' + '00000000' + // rtmsg: AF_INET, /32, /32
        '08000100' + '0a010002' + '08000200' + '0a020001' + '08000400' + '03000000',
    );
    assert.equal(encodeRouteRequest({ dst: '10.1.0.2', src: '2001:db8::1' }, 1), undefined);
    assert.equal(encodeRouteRequest({ dst: '2001:db8::2' }, 1)!.length, 16 + 12 + 20);
  });
  it('RTM_NEWROUTE reply: oif, gateway, preferred source', () => {
    const payload = Buffer.from('02200000fe000001' + '00000000' + '08000400' + '03000000' + '08000500' + '0a020002' + '08000700' + '0a020001', 'hex');
    assert.deepEqual(decodeRouteReply(payload), { ok: true, oif: 3, gateway: '10.2.0.2', prefsrc: '10.2.0.1' });
  });
  it('RTM_NEWLINK: index, name, IFF_UP and IFF_LOWER_UP', () => {
    const link = (index: number, flags: number, name: string): Buffer => {
      const head = Buffer.alloc(16);
      head.writeInt32LE(index, 4);
      head.writeUInt32LE(flags, 8);
      const data = Buffer.from(`${name}\0`);
      const attr = Buffer.alloc(4 + ((data.length + 3) & ~3));
      attr.writeUInt16LE(4 + data.length, 0);
      attr.writeUInt16LE(3, 2);
      data.copy(attr, 4);
      return Buffer.concat([head, attr]);
    };
    assert.deepEqual([...decodeLinkStates([link(2, 0x10043, 'va0'), link(3, 0x1003, 'va1')]).values()], [
      { index: 2, name: 'va0', up: true, lowerUp: true },
      { index: 3, name: 'va1', up: true, lowerUp: false },
    ]);
  });
});
