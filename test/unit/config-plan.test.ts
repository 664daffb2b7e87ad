/** Planning (pure): states and files in, the exact plan lines out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.js';
import { planConfig } from '../../src/config/plan.js';
import { planText } from '../../src/config/render.js';
import type { ObservedState } from '../../src/config/model.js';
import type { Endpoint } from '../../src/mptcp/records.js';
import { AddressFlag as F } from '../../src/families/mptcp-pm.js';
import type { InterfaceAddress } from '../../src/netlink/rtnl-addr.js';

const UP = 0x1 | 0x40;
const links = [
  { index: 1, name: 'lo', flags: UP | 0x8 },
  { index: 2, name: 'eth0', flags: UP },
  { index: 3, name: 'eth1', flags: UP },
  { index: 4, name: 'wlan0', flags: UP },
  { index: 5, name: 'eth2', flags: 0x1 },
];
const ep = (id: number, address: string, flags: number, ifindex = 0, port = 0): Endpoint => ({ id, address, family: address.includes(':') ? 10 : 2, port, flags, ifindex, unknown: [] });
const addr = (ifindex: number, address: string, flags = 0x80, scope = 0): InterfaceAddress => ({ ifindex, address, family: address.includes(':') ? 10 : 2, prefixLength: 24, scope, flags });
const state = (endpoints: Endpoint[], addresses: InterfaceAddress[] = [], more: Partial<ObservedState> = {}): ObservedState => ({
  endpoints,
  limits: { subflows: 2, addAddrAccepted: 0 },
  sysctl: new Map([['add_addr_timeout', '120']]),
  links,
  addresses,
  ...more,
});
const plan = (yaml: string, s: ObservedState, owned?: (e: Endpoint) => boolean): string => planText(planConfig(parseConfig(yaml, 'f.yaml'), s, owned ? { owned } : {}));

test('the issue file into an empty namespace', () => {
  const yaml = 'limits:\n  subflows: 4\n  add_addr_accepted: 4\nsysctl:\n  add_addr_timeout: 60\nendpoints:\n  - address: 10.0.0.2\n    id: 3\n    dev: eth0\n    flags: [signal]\nrules:\n  - interfaces: ["eth*", "wlan*"]\n    family: any\n    flags: [subflow]\nunlisted: remove\n';
  const s = state([], [addr(2, '10.0.0.2'), addr(3, '10.0.2.1'), addr(4, '10.0.4.1'), addr(1, '127.0.0.1', 0x80, 254), addr(3, 'fd00::5'), addr(3, 'fe80::1', 0x80, 253)]);
  assert.equal(
    plan(yaml, s),
    [
      '~ sysctl add_addr_timeout 120 -> 60',
      '~ limits subflows 2 -> 4',
      '~ limits add_addr_accepted 0 -> 4',
      '+ endpoint 10.0.0.2 id 3 dev eth0 signal',
      '+ endpoint 10.0.2.1 dev eth1 subflow',
      '+ endpoint 10.0.4.1 dev wlan0 subflow',
      'skip fd00::5 on eth1: ULA (rule 1)',
      '',
    ].join('\n'),
  );
});

test('only backup/fullmesh differ: changed in place; dev or other flags: deleted and added under the same id', () => {
  const yaml = 'endpoints:\n  - address: 10.0.0.1\n    id: 3\n    flags: [subflow]\n  - address: 10.0.0.2\n    id: 4\n    dev: eth1\n    flags: [subflow]\n  - address: 10.0.0.3\n    flags: [signal]\n';
  const s = state([ep(3, '10.0.0.1', F.subflow | F.backup), ep(4, '10.0.0.2', F.subflow, 2), ep(9, '10.0.0.3', F.subflow)]);
  assert.equal(
    plan(yaml, s),
    ['- endpoint id 4 10.0.0.2 dev eth0 subflow', '- endpoint id 9 10.0.0.3 subflow', '~ endpoint id 3 backup -> nobackup', '+ endpoint 10.0.0.2 id 4 dev eth1 subflow', '+ endpoint 10.0.0.3 id 9 signal', ''].join('\n'),
  );
});

test('the same state plans nothing', () => {
  const yaml = 'limits:\n  subflows: 2\nendpoints:\n  - address: 10.0.0.1\n    id: 3\n    flags: [subflow, backup]\n';
  assert.equal(plan(yaml, state([ep(3, '10.0.0.1', F.subflow | F.backup)])), '');
});

test('unlisted: remove deletes what the file does not produce; keep leaves it, unless it is in a rule id range or owned', () => {
  const s = state([ep(1, '10.9.0.1', F.signal), ep(12, '10.9.0.2', F.subflow), ep(7, '10.9.0.3', F.subflow)]);
  assert.equal(plan('unlisted: remove\n', s), '- endpoint id 1 10.9.0.1 signal\n- endpoint id 12 10.9.0.2 subflow\n- endpoint id 7 10.9.0.3 subflow\n');
  assert.equal(plan('unlisted: keep\nrules:\n  - interfaces: [none]\n    ids: 10-19\n', s), '- endpoint id 12 10.9.0.2 subflow\n');
  assert.equal(plan('unlisted: keep\n', s, (e) => e.id === 7), '- endpoint id 7 10.9.0.3 subflow\n');
});

test('the kernel implicit endpoints are never touched', () => {
  assert.equal(plan('unlisted: remove\n', state([ep(5, '10.0.0.9', F.implicit)])), '');
});

test('unsafe addresses are skipped with the reason; DAD failed and link down too', () => {
  const yaml = 'rules:\n  - interfaces: ["eth*"]\n    family: ipv6\n';
  const s = state([], [addr(2, '2001:db8::1', 0x40), addr(2, '2001:db8::2', 0x01), addr(2, '2001:db8::3', 0x20), addr(2, 'fd00::4'), addr(2, '2001:db8::5', 0x08), addr(5, '2001:db8::6'), addr(2, '10.0.0.1'), addr(3, '2001:db8::7')]);
  assert.equal(
    plan(yaml, s),
    [
      '+ endpoint 2001:db8::7 dev eth1 subflow',
      'skip 2001:db8::1 on eth0: tentative (DAD not finished) (rule 1)',
      'skip 2001:db8::2 on eth0: temporary (rule 1)',
      'skip 2001:db8::3 on eth0: deprecated (rule 1)',
      'skip fd00::4 on eth0: ULA (rule 1)',
      'skip 2001:db8::5 on eth0: duplicate address (DAD failed) (rule 1)',
      'skip 2001:db8::6 on eth2: no carrier (rule 1)',
      '',
    ].join('\n'),
  );
  // A rule may allow what is excluded by default.
  assert.match(plan('rules:\n  - interfaces: [eth0]\n    ula: true\n    temporary: true\n', s), /\+ endpoint 2001:db8::2 dev eth0 subflow\n\+ endpoint fd00::4 dev eth0 subflow\n/);
});

test('more candidates than slots: rule order, then pattern order, decide; the rest is skipped and named', () => {
  const addresses = [...Array.from({ length: 4 }, (_, i) => addr(4, `10.4.0.${i + 1}`)), ...Array.from({ length: 4 }, (_, i) => addr(2, `10.2.0.${i + 1}`)), ...Array.from({ length: 4 }, (_, i) => addr(3, `10.3.0.${i + 1}`))];
  const yaml = 'endpoints:\n  - address: 10.9.9.9\n    flags: [signal]\nrules:\n  - interfaces: ["wlan*", "eth0"]\n  - interfaces: ["eth*"]\n    flags: [subflow, backup]\n';
  const out = plan(yaml, state([], addresses)).split('\n').filter(Boolean);
  assert.deepEqual(out.filter((l) => l.startsWith('+')).map((l) => l.split(' ')[2]), ['10.9.9.9', '10.4.0.1', '10.4.0.2', '10.4.0.3', '10.4.0.4', '10.2.0.1', '10.2.0.2', '10.2.0.3']);
  assert.deepEqual(
    out.filter((l) => l.startsWith('skip')),
    [
      'skip 10.2.0.4 on eth0: no endpoint slot left (the kernel takes 8; the endpoints list and earlier rules come first) (rule 1)',
      ...[1, 2, 3, 4].map((i) => `skip 10.3.0.${i} on eth1: no endpoint slot left (the kernel takes 8; the endpoints list and earlier rules come first) (rule 2)`),
    ],
  );
});

test('rule id ranges: kept when they fit, lowest free otherwise', () => {
  const yaml = 'rules:\n  - interfaces: [eth0]\n    ids: 10-11\n';
  const s = state([ep(11, '10.0.0.1', F.subflow, 2), ep(3, '10.0.0.2', F.subflow, 2)], [addr(2, '10.0.0.1'), addr(2, '10.0.0.2'), addr(2, '10.0.0.3')]);
  assert.equal(plan(yaml, s), '- endpoint id 3 10.0.0.2 dev eth0 subflow\n+ endpoint 10.0.0.2 id 10 dev eth0 subflow\nskip 10.0.0.3 on eth0: no free id in 10-11 (rule 1)\n');
});

test('an id the file gives is taken from whoever has it', () => {
  const yaml = 'unlisted: keep\nendpoints:\n  - address: 10.0.0.1\n    id: 5\n';
  assert.equal(plan(yaml, state([ep(5, '10.7.7.7', F.signal)])), '- endpoint id 5 10.7.7.7 signal\n+ endpoint 10.0.0.1 id 5\n');
});

test('a dev that does not exist is a problem at its line', () => {
  assert.throws(() => plan('endpoints:\n  - address: 10.0.0.1\n    dev: eth9\n', state([])), /f\.yaml:2:5: dev eth9 does not exist/);
});

test('both limits go to the kernel in one request', async () => {
  const { steps } = await import('../../src/config/apply.js');
  const p = planConfig(parseConfig('limits:\n  subflows: 4\n  add_addr_accepted: 4\nendpoints:\n  - address: 10.0.0.1\n', 'f.yaml'), state([]));
  assert.deepEqual(steps(p.changes).map((s) => s.map((c) => c.kind)), [['limit', 'limit'], ['add']]);
});

test('an implicit endpoint gives way to the file: replaced by the kernel without id, deleted first with one', () => {
  const s = state([ep(5, '10.0.0.1', F.implicit)]);
  assert.equal(plan('endpoints:\n  - address: 10.0.0.1\n    flags: [subflow]\n', s), '+ endpoint 10.0.0.1 subflow\n');
  assert.equal(plan('endpoints:\n  - address: 10.0.0.1\n    id: 9\n    flags: [subflow]\n', s), '- endpoint id 5 10.0.0.1 implicit\n+ endpoint 10.0.0.1 id 9 subflow\n');
  assert.equal(plan('endpoints:\n  - address: 10.0.0.1\n    id: 5\n    flags: [subflow]\n', s), '- endpoint id 5 10.0.0.1 implicit\n+ endpoint 10.0.0.1 id 5 subflow\n');
});
