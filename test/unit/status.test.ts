/** Status: the pure parts of gathering (sysctls, counters, features) and the text/JSON renderers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectFeatures, parseMptcpCounters, pathManagerOf, releaseVersion, type StatusSnapshot } from '../../src/diag/status.js';
import { lintStatus } from '../../src/diag/lint.js';
import { statusJson, statusTable, statusText } from '../../src/cli/output/records/status.js';
import { paint } from '../../src/cli/output/colors.js';
import { mptcpPmFamily } from '../helpers/mptcp-pm-family.js';

const family = mptcpPmFamily(
  [
    [1, 0x1a],
    [3, 0x0e],
    [6, 0x0a],
  ],
  [['mptcp_pm_events', 9]],
);

describe('status helpers', () => {
  it('path manager from path_manager, or from the older pm_type', () => {
    assert.deepEqual(pathManagerOf({ 'net.mptcp.path_manager': 'userspace', 'net.mptcp.available_path_managers': 'kernel userspace' }), {
      name: 'userspace',
      sysctl: 'net.mptcp.path_manager',
      available: ['kernel', 'userspace'],
    });
    assert.deepEqual(pathManagerOf({ 'net.mptcp.pm_type': '1' }), { name: 'userspace', sysctl: 'net.mptcp.pm_type' });
    assert.equal(pathManagerOf({}), undefined);
  });

  it('MPTcpExt counters from /proc/net/netstat', () => {
    const netstat = 'TcpExt: SyncookiesSent\nTcpExt: 0\nMPTcpExt: MPCapableSYNRX AddAddrDrop\nMPTcpExt: 4 2\n';
    assert.deepEqual(parseMptcpCounters(netstat), { MPCapableSYNRX: 4, AddAddrDrop: 2 });
    assert.deepEqual(parseMptcpCounters('TcpExt: A\nTcpExt: 1\n'), {});
  });

  it('features from the op list, the groups, the policy and the release', () => {
    assert.deepEqual(releaseVersion('6.18.44-fc-v782'), [6, 18]);
    const features = detectFeatures(family, undefined, '6.1.0');
    const by = Object.fromEntries(features.map((f) => [f.name, f.supported]));
    assert.deepEqual(by, {
      'userspace-pm': false,
      'set-flags': false,
      events: true,
      'get-addr-by-token': undefined,
      'unprivileged-endpoint-show': true,
      'listener-events': false,
      laminar: false,
    });
    assert.deepEqual(detectFeatures(undefined, undefined, '6.18.0'), []);
  });
});

describe('status renderers', () => {
  const snapshot: StatusSnapshot = {
    netns: 'blue',
    kernelRelease: '6.18.44',
    sysctls: { 'net.mptcp.enabled': '1', 'net.mptcp.path_manager': 'kernel' },
    enabled: true,
    pathManager: { name: 'kernel', sysctl: 'net.mptcp.path_manager' },
    scheduler: { name: 'default', available: ['default'] },
    family: { name: 'mptcp_pm', id: 0x1c, version: 1, operations: [{ id: 3, name: 'GET_ADDR', flags: 0x0e, flagNames: ['DO', 'DUMP', 'HASPOL'] }], groups: [{ name: 'mptcp_pm_events', id: 9 }] },
    features: [{ name: 'events', supported: true, evidence: 'group mptcp_pm_events is listed (id 9)' }],
    limits: { subflows: 2, addAddrAccepted: 0 },
    endpoints: [{ id: 1, family: 2, address: '10.0.1.1', port: 0, flags: 1, ifindex: 0, unknown: [] }],
    interfaces: new Map([[1, 'lo']]),
    addresses: [{ ifindex: 2, family: 2, address: '10.0.1.1', prefixLength: 24, scope: 0, flags: 0 }],
    connections: { connections: 2, listeners: 1, clients: 1, servers: 1, singleSubflow: 2 },
    eventListeners: 0,
    counters: { AddAddrDrop: 1, MPJoinSynRx: 0 },
    problems: [],
  };
  const warnings = lintStatus(snapshot);

  it('text', () => {
    assert.equal(
      statusText(snapshot, warnings, snapshot.interfaces),
      `namespace          blue
kernel             6.18.44
mptcp              enabled (net.mptcp.enabled = 1)
path manager       kernel (net.mptcp.path_manager)
scheduler          default (available: default)
family             mptcp_pm id 0x1c version 1, 1 operation
groups             mptcp_pm_events (9)
limits             add_addr_accepted 0 subflows 2
endpoints          1
connections        2 (1 client, 1 server; 2 with a single subflow), 1 listener
event subscribers  0
operations
   3 GET_ADDR         DO|DUMP|HASPOL
features
  events                      yes     group mptcp_pm_events is listed (id 9)
endpoint list
  10.0.1.1 id 1 signal
settings
  net.mptcp.enabled = 1
  net.mptcp.path_manager = kernel
counters (MPTcpExt)
  AddAddrDrop 1
warnings           1
warning: add_addr_accepted is 0 [add-addr-accepted-zero]
  why: every address a peer announces (ADD_ADDR) is ignored, so connections from here never open a subflow to a second peer address (1 ADD_ADDR was already dropped: MPTcpExtAddAddrDrop)
  fix: mptcpctl -n blue limits set add_addr_accepted 2
`,
    );
  });

  it('table: the same sections as the text (operations, settings, counters included), fitted to the width', async () => {
    const table = await statusTable(snapshot, warnings, snapshot.interfaces, await paint(false), false, 80);
    const cells = table.split('\n').map((line) => line.split('│').map((c) => c.trim()));
    const row = (...wanted: string[]): boolean => cells.some((c) => wanted.every((w, i) => c[i + 1] === w));
    assert.ok(row('3', 'GET_ADDR', 'DO|DUMP|HASPOL'), table);
    assert.ok(row('net.mptcp.enabled', '1'), table);
    assert.ok(row('net.mptcp.path_manager', 'kernel'), table);
    assert.ok(row('AddAddrDrop', '1'), table);
    assert.ok(!table.includes('MPJoinSynRx'), 'zero counters are left out, as in the text');
    assert.ok(row('1', '10.0.1.1', '', 'signal', ''), table);
    assert.ok(row('events', 'yes', 'group mptcp_pm_events is listed (id 9)'), table);
    assert.ok(row('limits', 'add_addr_accepted 0 subflows 2'), table);
    assert.match(table, /warning: add_addr_accepted is 0 \[add-addr-accepted-zero\]/);
    for (const line of table.split('\n')) assert.ok([...line].length <= 80 || line.startsWith('  why:') || line.startsWith('warning:'), line);
  });

  it('JSON', () => {
    const json = JSON.parse(statusJson(snapshot, warnings, snapshot.interfaces, false)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), [
      'netns',
      'kernel',
      'mptcp_enabled',
      'path_manager',
      'scheduler',
      'settings',
      'family',
      'features',
      'limits',
      'endpoints',
      'connections',
      'event_subscribers',
      'counters',
      'problems',
      'warnings',
    ]);
    assert.deepEqual(json['endpoints'], [{ address: '10.0.1.1', id: 1, signal: true }]);
    assert.deepEqual(json['features'], { events: { supported: true, evidence: 'group mptcp_pm_events is listed (id 9)' } });
    assert.deepEqual(json['counters'], { AddAddrDrop: 1 });
    assert.deepEqual((json['warnings'] as { code: string }[]).map((w) => w.code), ['add-addr-accepted-zero']);
  });
});
