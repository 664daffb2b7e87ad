/**
 * The lint rules as a table: snapshot -> the warning codes it must give (and only those), plus the
 * exact wording of each rule once. The kernel tests provoke the same warnings in real namespaces.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintStatus } from '../../src/diag/lint.js';
import type { StatusSnapshot } from '../../src/diag/status.js';
import type { Endpoint } from '../../src/mptcp/records.js';
import { AddressFlag as F } from '../../src/families/mptcp-pm.js';

function ep(address: string, id: number, flags: number, ifindex = 0, port = 0): Endpoint {
  return { id, family: address.includes(':') ? 10 : 2, address, port, flags, ifindex, unknown: [] };
}

/** A namespace that gives no warning: in-kernel PM, addresses present, subflow endpoints on their device, sane limits. */
function clean(): StatusSnapshot {
  return {
    kernelRelease: '6.18.44',
    sysctls: { 'net.mptcp.enabled': '1', 'net.mptcp.path_manager': 'kernel' },
    enabled: true,
    pathManager: { name: 'kernel', sysctl: 'net.mptcp.path_manager' },
    scheduler: { name: 'default' },
    family: { name: 'mptcp_pm', id: 0x1c, version: 1, operations: [], groups: [{ name: 'mptcp_pm_events', id: 9 }] },
    features: [],
    limits: { subflows: 2, addAddrAccepted: 2 },
    endpoints: [ep('10.0.1.1', 1, F.signal), ep('10.0.2.1', 2, F.subflow, 3), ep('fe80::1', 3, F.subflow, 3)],
    interfaces: new Map([
      [1, 'lo'],
      [3, 'veth1'],
    ]),
    addresses: [
      { ifindex: 2, family: 2, address: '10.0.1.1', prefixLength: 24, scope: 0, flags: 0 },
      { ifindex: 3, family: 2, address: '10.0.2.1', prefixLength: 24, scope: 0, flags: 0 },
      { ifindex: 3, family: 10, address: 'fe80::1', prefixLength: 64, scope: 253, flags: 0 },
    ],
    connections: { connections: 0, listeners: 0, clients: 0, servers: 0, singleSubflow: 0 },
    eventListeners: 0,
    counters: {},
    problems: [],
  };
}

const codes = (s: StatusSnapshot): string[] => lintStatus(s).map((w) => w.code);

describe('lint rules', () => {
  const cases: [string, (s: StatusSnapshot) => void, string[]][] = [
    ['a clean configuration', () => {}, []],
    ['MPTCP disabled', (s) => (s.enabled = false), ['mptcp-disabled']],
    ['no mptcp_pm family', (s) => ((s.family = undefined), (s.limits = undefined), (s.endpoints = [])), ['family-missing']],
    ['an endpoint address not configured', (s) => s.endpoints.push(ep('10.0.9.9', 9, F.signal)), ['endpoint-address-missing']],
    ['an IPv4-mapped endpoint address counts as the IPv4 one', (s) => s.endpoints.push(ep('::ffff:10.0.1.1', 9, F.signal)), []],
    ['a device that is gone', (s) => s.endpoints.push(ep('10.0.2.1', 9, F.signal, 42)), ['endpoint-device-gone']],
    ['a subflow endpoint without dev', (s) => (s.endpoints[1] = ep('10.0.2.1', 2, F.subflow)), ['endpoint-without-dev']],
    ['a signal endpoint without dev is fine', (s) => (s.endpoints[0] = ep('10.0.1.1', 1, F.signal | F.backup)), []],
    ['a link-local endpoint without dev (not also "without dev")', (s) => (s.endpoints[2] = ep('fe80::1', 3, F.subflow)), ['link-local-without-dev']],
    ['subflows limit below the usable subflow endpoints', (s) => (s.limits = { subflows: 1, addAddrAccepted: 2 }), ['subflows-limit']],
    ['subflows limit 8 is the most there is', (s) => {
      s.limits = { subflows: 8, addAddrAccepted: 2 };
      for (let i = 0; i < 9; i++) s.endpoints.push(ep('10.0.2.1', 10 + i, F.subflow, 3));
    }, []],
    ['unusable subflow endpoints do not count for the limit', (s) => {
      s.limits = { subflows: 2, addAddrAccepted: 2 };
      s.endpoints.push(ep('10.0.9.9', 9, F.subflow, 3));
    }, ['endpoint-address-missing']],
    ['add_addr_accepted 0', (s) => (s.limits = { subflows: 2, addAddrAccepted: 0 }), ['add-addr-accepted-zero']],
    [
      'signal and fullmesh together (the endpoint also counts as a subflow source)',
      (s) => ((s.endpoints[0] = ep('10.0.1.1', 1, F.signal | F.fullmesh, 3)), (s.limits = { subflows: 3, addAddrAccepted: 2 })),
      ['signal-fullmesh'],
    ],
    ['implicit endpoints are the kernel\'s: never linted', (s) => s.endpoints.push(ep('10.0.9.9', 9, F.implicit)), []],
    [
      'userspace PM without an event subscriber, with endpoints',
      (s) => (s.pathManager = { name: 'userspace', sysctl: 'net.mptcp.path_manager' }),
      ['userspace-no-listener', 'endpoints-unused'],
    ],
    [
      'userspace PM with a subscriber and no endpoints; limits are not linted then',
      (s) => {
        s.pathManager = { name: 'userspace', sysctl: 'net.mptcp.path_manager' };
        s.eventListeners = 1;
        s.endpoints = [];
        s.limits = { subflows: 0, addAddrAccepted: 0 };
      },
      [],
    ],
    ['subscribers unknown: no guess', (s) => ((s.pathManager = { name: 'userspace', sysctl: 'net.mptcp.pm_type' }), (s.eventListeners = undefined), (s.endpoints = [])), []],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => {
      const s = clean();
      change(s);
      assert.deepEqual(codes(s), expected);
    });
  }
});

describe('lint wording: why it matters and the command that fixes it', () => {
  it('names the namespace in every command', () => {
    const s = clean();
    s.netns = 'blue';
    s.endpoints = [ep('10.0.2.1', 2, F.subflow | F.backup), ep('10.0.9.9', 9, F.signal)];
    s.limits = { subflows: 0, addAddrAccepted: 0 };
    s.counters = { AddAddrDrop: 3 };
    assert.deepEqual(lintStatus(s), [
      {
        code: 'endpoint-address-missing',
        endpointId: 9,
        message: 'endpoint 10.0.9.9 id 9: 10.0.9.9 is not configured on any interface in this namespace',
        why: 'the peer is told about an address nothing here answers on, so its joins to it fail',
        fix: 'ip -n blue addr add 10.0.9.9/24 dev IFNAME (or mptcpctl -n blue endpoint delete id 9)',
      },
      {
        code: 'endpoint-without-dev',
        endpointId: 2,
        message: 'endpoint 10.0.2.1 id 2: a subflow endpoint without "dev"',
        why: "subflows from it leave through whatever interface the routing table picks for the peer (usually the default route's), not veth1 that owns 10.0.2.1, so the second path may not be used",
        fix: 'mptcpctl -n blue endpoint delete id 2 && mptcpctl -n blue endpoint add 10.0.2.1 dev veth1 id 2 subflow backup',
      },
      {
        code: 'subflows-limit',
        message: 'the subflows limit is 0 but 1 subflow endpoint could be used',
        why: 'the in-kernel PM opens at most 0 additional subflows per connection, so no second subflow is ever created',
        fix: 'mptcpctl -n blue limits set subflows 1',
      },
      {
        code: 'add-addr-accepted-zero',
        message: 'add_addr_accepted is 0',
        why: 'every address a peer announces (ADD_ADDR) is ignored, so connections from here never open a subflow to a second peer address (3 ADD_ADDRs were already dropped: MPTcpExtAddAddrDrop)',
        fix: 'mptcpctl -n blue limits set add_addr_accepted 1',
      },
    ]);
  });

  it('userspace PM: subscribe, and flush or switch back', () => {
    const s = clean();
    s.pathManager = { name: 'userspace', sysctl: 'net.mptcp.pm_type' };
    assert.deepEqual(
      lintStatus(s).map((w) => w.fix),
      ['start the path-manager daemon, or keep mptcpctl monitor running', 'mptcpctl endpoint flush (or sysctl -w net.mptcp.pm_type=0 for new connections)'],
    );
  });

  it('a link-local endpoint is recreated on the interface that has the address', () => {
    const s = clean();
    s.endpoints = [ep('fe80::1', 3, F.subflow | F.fullmesh)];
    assert.equal(lintStatus(s)[0]!.fix, 'mptcpctl endpoint delete id 3 && mptcpctl endpoint add fe80::1 dev veth1 id 3 subflow fullmesh');
  });

  it('MPTCP disabled says how to enable it in the namespace', () => {
    const s = clean();
    s.netns = 'blue';
    s.enabled = false;
    assert.equal(lintStatus(s)[0]!.fix, 'ip netns exec blue sysctl -w net.mptcp.enabled=1');
  });
});
