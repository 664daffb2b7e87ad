/** The desired state through the library: typed plans and results, and follow as a function. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MptcpPm, parseConfig, planConfig, applyConfig, followConfig, readState, ApplyError, type Change } from '../../src/index.js';
import { addVethPair, createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { transportProbe } from '../../src/sys/probe.js';
import { NETLINK_ROUTE } from '../../src/netlink/transport.js';

let ns: string;
let pm: MptcpPm;
before(async () => {
  ns = createNetns('cfl');
  addVethPair(ns, 'eth0', 'eth9');
  ip(ns, 'addr', 'add', '10.4.0.1/24', 'dev', 'eth0');
  pm = await MptcpPm.open({ netns: ns });
});
after(async () => {
  await pm.close();
  deleteNetns(ns);
});

test('plan and apply return typed plans and results', async () => {
  const config = parseConfig('limits:\n  subflows: 3\nrules:\n  - interfaces: [eth0]\n    ids: 30-39\n', 'lib.yaml');
  const plan = planConfig(config, await readState(pm, ns));
  assert.deepEqual(plan.changes.map((c) => c.kind), ['limit', 'add']);
  const add = plan.changes[1] as Extract<Change, { kind: 'add' }>;
  assert.deepEqual({ ...add.endpoint }, { address: '10.4.0.1', id: 30, port: 0, ifindex: add.endpoint.ifindex, dev: 'eth0', flags: 2, source: 1 });
  const result = await applyConfig(config, { pm, netns: ns });
  assert.equal(result.plan.changes.length, 2);
  assert.equal(result.after.endpoints[0]?.id, 30);
  assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '10.4.0.1 id 30 subflow dev eth0 \n');
  assert.equal((await applyConfig(config, { pm, netns: ns })).plan.changes.length, 0);
  // A refused step: ApplyError names it and the state is as found.
  const bad = parseConfig('endpoints:\n  - address: 10.99.0.1\n    port: 9\n    flags: [signal]\n', 'bad.yaml');
  await assert.rejects(applyConfig(bad, { pm, netns: ns }), (err: unknown) => err instanceof ApplyError && err.restored && err.failed?.kind === 'add');
  assert.equal(ip(ns, 'mptcp', 'endpoint', 'show'), '10.4.0.1 id 30 subflow dev eth0 \n');
});

test('followConfig reports changes and ends when aborted', async () => {
  const config = parseConfig('rules:\n  - interfaces: [eth0]\n', 'lib.yaml');
  const stop = new AbortController();
  const changes: string[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const following = followConfig(config, { pm, netns: ns }, { signal: stop.signal, onChange: (c) => changes.push(c.kind), onReady: () => ready() });
  await isReady;
  ip(ns, 'addr', 'add', '10.4.0.2/24', 'dev', 'eth0');
  for (let i = 0; i < 100 && !ip(ns, 'mptcp', 'endpoint', 'show').includes('10.4.0.2'); i++) await new Promise((r) => setTimeout(r, 20));
  stop.abort();
  await following;
  assert.match(ip(ns, 'mptcp', 'endpoint', 'show'), /10\.4\.0\.2 id \d+ subflow dev eth0/);
  assert.ok(changes.includes('add'), changes.join(','));
});

test('readState for one file reads only what a plan of it looks at: interfaces for rules and devices, addresses for rules', async () => {
  const routeOpens = async (config?: ReturnType<typeof parseConfig>): Promise<{ opens: number; links: number; addresses: number }> => {
    let opens = 0;
    transportProbe.guard = ({ protocol }) => {
      if (protocol === NETLINK_ROUTE) opens++;
    };
    try {
      const state = await readState(pm, ns, undefined, {}, config);
      return { opens, links: state.links.length, addresses: state.addresses.length };
    } finally {
      transportProbe.guard = undefined;
    }
  };
  ip(ns, 'mptcp', 'endpoint', 'flush');
  const statics = parseConfig('endpoints:\n  - address: 10.4.0.1\n    id: 5\n', 'statics.yaml');
  assert.deepEqual(await routeOpens(statics), { opens: 0, links: 0, addresses: 0 });
  const withDev = parseConfig('endpoints:\n  - address: 10.4.0.1\n    id: 5\n    dev: eth0\n', 'dev.yaml');
  assert.equal((await routeOpens(withDev)).addresses, 0);
  assert.ok((await routeOpens(withDev)).links >= 2, 'lo and eth0 read');
  // An endpoint bound to a device is named by it in a plan: the interfaces are read for it.
  ip(ns, 'mptcp', 'endpoint', 'add', '10.4.0.1', 'id', '5', 'dev', 'eth0');
  assert.ok((await routeOpens(statics)).links >= 2);
  ip(ns, 'mptcp', 'endpoint', 'flush');
  const rules = parseConfig('rules:\n  - interfaces: [eth0]\n', 'rules.yaml');
  for (const config of [rules, undefined]) {
    const read = await routeOpens(config);
    assert.ok(read.links >= 2 && read.addresses >= 1, JSON.stringify(read));
  }
});
