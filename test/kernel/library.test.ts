/**
 * MptcpPm against the running kernel, in a throw-away namespace. Every call is checked with
 * iproute2 (`ip -n NS -j mptcp endpoint show`, `ip -n NS mptcp limits show`), and the reverse
 * direction (configured with ip, read with the library) too. The host namespace is never touched.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { MptcpPm } from '../../src/pm/client.js';
import { AddressFlag } from '../../src/families/mptcp-pm.js';
import type { Endpoint } from '../../src/mptcp/records.js';
import { KernelError, NetnsError, PermissionError, UsageError } from '../../src/errors.js';
import { transportProbe } from '../../src/sys/probe.js';
import { hex } from '../helpers/bytes.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { ADDRESS_NOT_FOUND, kernelErrorFields } from '../helpers/errors.js';
import { uncheckedRequest, uncheckedSetLimits } from '../helpers/requests.js';

const { signal, subflow, backup, fullmesh, implicit, laminar } = AddressFlag;

/** The namespaces of this process (and of its main thread) before any test ran. */
const ownNetns = (): string[] => [readlinkSync('/proc/self/ns/net'), readlinkSync('/proc/thread-self/ns/net')];
const startNetns = ownNetns();

/** `ip -j mptcp endpoint show` of the namespace, parsed. */
type IpEndpoint = Record<string, string | number | boolean>;
const ipEndpoints = (ns: string): IpEndpoint[] => JSON.parse(ip(ns, '-j', 'mptcp', 'endpoint', 'show')) as IpEndpoint[];
const ipLimits = (ns: string): string => ip(ns, 'mptcp', 'limits', 'show');

/** The fields of a KernelError that a caller relies on. */
function kernelFields(err: unknown) {
  assert.ok(err instanceof KernelError, `expected a KernelError, got ${String(err)}`);
  return { errnoName: err.errnoName, operation: err.operation, extackMessage: err.extackMessage, attribute: err.attribute };
}

/** Runs `fn`, which must be refused by the kernel, and gives the error's fields. */
async function refusal(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (err) {
    return kernelFields(err);
  }
  assert.fail('the kernel accepted the request');
}

describe('MptcpPm against the kernel: endpoints and limits', () => {
  let ns = '';
  let pm: MptcpPm | undefined;
  let ifindex = 0;
  const lib = (): MptcpPm => pm!;

  before(async () => {
    ns = createNetns('klib');
    ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip(ns, 'addr', 'add', '10.0.1.3/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '2001:db8::3/64', 'dev', 'v0', 'nodad');
    ip(ns, 'link', 'set', 'v0', 'up');
    ip(ns, 'link', 'set', 'v1', 'up');
    ifindex = (JSON.parse(ip(ns, '-j', 'link', 'show', 'v0')) as { ifindex: number }[])[0]!.ifindex;
    pm = await MptcpPm.open({ netns: ns });
  });

  after(async () => {
    await pm?.close();
    if (ns) deleteNetns(ns);
    assert.deepEqual(ownNetns(), startNetns);
  });

  beforeEach(() => {
    ip(ns, 'mptcp', 'endpoint', 'flush');
    ip(ns, 'mptcp', 'limits', 'set', 'add_addr_accepted', '0', 'subflows', '2');
  });

  describe('addEndpoint', () => {
    it('adds an IPv4 endpoint with an explicit id and flags', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 3, flags: subflow | backup });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 3, subflow: true, backup: true }]);
    });

    it('adds an IPv6 endpoint', async () => {
      await lib().addEndpoint({ address: '2001:db8::3', id: 6, flags: subflow });
      assert.deepEqual(ipEndpoints(ns), [{ address: '2001:db8::3', id: 6, subflow: true }]);
    });

    it('adds a signal endpoint with a port on a locally configured address', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 4, port: 10100, flags: signal });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', port: 10100, id: 4, signal: true }]);
    });

    it('refuses a port on an address that is not local (the kernel must listen on it)', async () => {
      assert.deepEqual(await refusal(() => lib().addEndpoint({ address: '10.9.9.9', id: 4, port: 10100, flags: signal })), {
        errnoName: 'EADDRNOTAVAIL',
        operation: 'ADD_ADDR',
        extackMessage: 'create listen socket error: -99',
        attribute: undefined,
      });
      assert.deepEqual(ipEndpoints(ns), []);
    });

    it('binds to a device by ifindex (ip shows it as dev)', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 5, flags: subflow, ifindex });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 5, subflow: true, dev: 'v0' }]);
    });

    it('lets the kernel pick ids (from 1 after a flush) beside explicit ones', async () => {
      await lib().addEndpoint({ address: '10.0.1.3' });
      await lib().addEndpoint({ address: '10.0.1.4', id: 0 });
      await lib().addEndpoint({ address: '10.0.1.5', id: 200 });
      assert.deepEqual(
        ipEndpoints(ns).map((e) => [e['address'], e['id']]),
        [
          ['10.0.1.3', 1],
          ['10.0.1.4', 2],
          ['10.0.1.5', 200],
        ],
      );
    });

    // iproute2 6.1 predates laminar: it shows the bit as rawflags 20.
    const flagCases: { name: string; flags: number; shown: IpEndpoint }[] = [
      { name: 'signal', flags: signal, shown: { signal: true } },
      { name: 'subflow', flags: subflow, shown: { subflow: true } },
      { name: 'backup', flags: backup, shown: { backup: true } },
      { name: 'fullmesh', flags: fullmesh, shown: { fullmesh: true } },
      { name: 'laminar', flags: laminar, shown: { rawflags: '20' } },
      { name: 'signal backup laminar', flags: signal | backup | laminar, shown: { signal: true, backup: true, rawflags: '20' } },
      { name: 'subflow backup fullmesh laminar', flags: subflow | backup | fullmesh | laminar, shown: { subflow: true, backup: true, fullmesh: true, rawflags: '20' } },
    ];
    for (const c of flagCases) {
      it(`stores flags ${c.name} (0x${c.flags.toString(16)})`, async () => {
        await lib().addEndpoint({ address: '10.0.1.3', id: 10, flags: c.flags });
        assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 10, ...c.shown }]);
        assert.equal((await lib().getEndpoint(10)).flags, c.flags);
      });
    }

    it('has unknown flag bits masked off by this kernel (6.18.y)', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 11, flags: subflow | 0x80 });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 11, subflow: true }]);
      assert.equal((await lib().getEndpoint(11)).flags, subflow);
    });

    const refused: { name: string; flags: number; message: string }[] = [
      { name: 'implicit', flags: implicit, message: "can't create IMPLICIT endpoint" },
      { name: 'signal with fullmesh', flags: signal | fullmesh, message: "flags mustn't have both signal and fullmesh" },
    ];
    for (const c of refused) {
      it(`refuses ${c.name} with the kernel's message`, async () => {
        assert.deepEqual(await refusal(() => lib().addEndpoint({ address: '10.0.1.3', id: 12, flags: c.flags })), {
          errnoName: 'EINVAL',
          operation: 'ADD_ADDR',
          extackMessage: c.message,
          attribute: 'addr',
        });
        assert.deepEqual(ipEndpoints(ns), []);
      });
    }

    it('refuses a duplicate address: "too many addresses or duplicate one: -17"', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 1, flags: subflow });
      assert.deepEqual(await refusal(() => lib().addEndpoint({ address: '10.0.1.3', id: 2, flags: subflow })), {
        errnoName: 'EEXIST',
        operation: 'ADD_ADDR',
        extackMessage: 'too many addresses or duplicate one: -17',
        attribute: undefined,
      });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 1, subflow: true }]);
    });

    it('refuses a duplicate id: "too many addresses or duplicate one: -16"', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 1 });
      assert.deepEqual(await refusal(() => lib().addEndpoint({ address: '10.0.1.4', id: 1 })), {
        errnoName: 'EBUSY',
        operation: 'ADD_ADDR',
        extackMessage: 'too many addresses or duplicate one: -16',
        attribute: undefined,
      });
    });
  });

  describe('getEndpoint / listEndpoints', () => {
    it('gets one endpoint as a complete record', async () => {
      await lib().addEndpoint({ address: '2001:db8::3', id: 9, flags: subflow | fullmesh, ifindex });
      const expected: Endpoint = { id: 9, family: 10, address: '2001:db8::3', port: 0, flags: subflow | fullmesh, ifindex, unknown: [] };
      assert.deepEqual(await lib().getEndpoint(9), expected);
    });

    it('refuses a missing id with "address not found"', async () => {
      assert.deepEqual(await refusal(() => lib().getEndpoint(77)), {
        errnoName: 'EINVAL',
        operation: 'GET_ADDR',
        extackMessage: 'address not found',
        attribute: 'addr',
      });
    });

    it('lists the maximum of 8 endpoints in id order, and the kernel refuses a 9th', async () => {
      const ids = [80, 10, 70, 20, 60, 30, 50, 40];
      for (const id of ids) await lib().addEndpoint({ address: `10.0.1.${id}`, id, flags: subflow });
      const listed = await lib().listEndpoints();
      const expected: Endpoint[] = [...ids]
        .sort((a, b) => a - b)
        .map((id) => ({ id, family: 2, address: `10.0.1.${id}`, port: 0, flags: subflow, ifindex: 0, unknown: [] }));
      assert.deepEqual(listed, expected);
      assert.deepEqual(
        ipEndpoints(ns).map((e) => e['id']),
        [10, 20, 30, 40, 50, 60, 70, 80],
      );
      assert.deepEqual(await refusal(() => lib().addEndpoint({ address: '10.0.1.90', id: 90 })), {
        errnoName: 'ERANGE',
        operation: 'ADD_ADDR',
        extackMessage: 'too many addresses or duplicate one: -34',
        attribute: undefined,
      });
      assert.equal(ipEndpoints(ns).length, 8);
    });

    it('lists nothing in an empty namespace', async () => {
      assert.deepEqual(await lib().listEndpoints(), []);
    });
  });

  describe('deleteEndpoint / flushEndpoints', () => {
    it('deletes by id', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 1 });
      await lib().addEndpoint({ address: '10.0.1.4', id: 2 });
      await lib().deleteEndpoint(1);
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.4', id: 2 }]);
    });

    it('accepts id 0 with an address (it only acts on connections) and leaves the endpoints alone', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 3, flags: subflow });
      await lib().deleteEndpoint(0, '10.0.1.3');
      await lib().deleteEndpoint(0, '2001:db8::3');
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 3, subflow: true }]);
    });

    it('refuses a missing id with the kernel`s "address not found" and every KernelError field', async () => {
      const err = await lib().deleteEndpoint(42).then(
        () => assert.fail('the kernel accepted the request'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof KernelError);
      assert.equal(err instanceof PermissionError, false);
      assert.deepEqual(kernelErrorFields(err), ADDRESS_NOT_FOUND);
    });

    it('flushes every endpoint', async () => {
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.3', 'id', '1', 'subflow');
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.3', 'port', '10300', 'id', '2', 'signal');
      ip(ns, 'mptcp', 'endpoint', 'add', '2001:db8::3', 'id', '3', 'backup');
      await lib().flushEndpoints();
      assert.deepEqual(ipEndpoints(ns), []);
    });
  });

  describe('setEndpointFlags', () => {
    it('replaces backup and fullmesh: backup alone clears fullmesh', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 4, flags: subflow | fullmesh });
      await lib().setEndpointFlags({ id: 4, flags: backup });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 4, subflow: true, backup: true }]);
    });

    it('finds the endpoint by address, and no flags clears both', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 4, flags: subflow | backup });
      await lib().setEndpointFlags({ address: '10.0.1.3', flags: fullmesh });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 4, subflow: true, fullmesh: true }]);
      await lib().setEndpointFlags({ address: '10.0.1.3' });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 4, subflow: true }]);
    });

    it('refuses a missing endpoint', async () => {
      assert.deepEqual(await refusal(() => lib().setEndpointFlags({ id: 99, flags: backup })), {
        errnoName: 'EINVAL',
        operation: 'SET_FLAGS',
        extackMessage: 'address not found',
        attribute: 'addr',
      });
    });

    it('refuses fullmesh on a signal endpoint', async () => {
      await lib().addEndpoint({ address: '10.0.1.3', id: 4, flags: signal });
      assert.deepEqual(await refusal(() => lib().setEndpointFlags({ id: 4, flags: fullmesh })), {
        errnoName: 'EINVAL',
        operation: 'SET_FLAGS',
        extackMessage: 'invalid addr flags',
        attribute: 'addr',
      });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.1.3', id: 4, signal: true }]);
    });

    it('refuses id 0 without an address with "missing address ID" (errno 95)', async () => {
      // setEndpointFlags refuses id 0 itself (UsageError): the request is built past its checks.
      const err = await lib()
        .run(uncheckedRequest('SET_FLAGS', { addr: { id: 0, flags: backup } }))
        .then(
          () => assert.fail('the kernel accepted the request'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof KernelError);
      assert.deepEqual([err.errno, err.extackMessage, err.attribute], [95, 'missing address ID', 'addr']);
    });
  });

  describe('limits', () => {
    it('sets both limits', async () => {
      await lib().setLimits({ subflows: 5, addAddrAccepted: 3 });
      assert.equal(ipLimits(ns), 'add_addr_accepted 3 subflows 5 \n');
    });

    it('leaves an absent limit unchanged', async () => {
      await lib().setLimits({ addAddrAccepted: 4 });
      assert.equal(ipLimits(ns), 'add_addr_accepted 4 subflows 2 \n');
      await lib().setLimits({ subflows: 0 });
      assert.equal(ipLimits(ns), 'add_addr_accepted 4 subflows 0 \n');
    });

    it('accepts the maximum, 8', async () => {
      await lib().setLimits({ subflows: 8, addAddrAccepted: 8 });
      assert.equal(ipLimits(ns), 'add_addr_accepted 8 subflows 8 \n');
    });

    it('gets the limits', async () => {
      assert.deepEqual(await lib().getLimits(), { subflows: 2, addAddrAccepted: 0 });
      ip(ns, 'mptcp', 'limits', 'set', 'add_addr_accepted', '7', 'subflows', '1');
      assert.deepEqual(await lib().getLimits(), { subflows: 1, addAddrAccepted: 7 });
    });

    it('refuses a limit above 8, names the attribute and changes nothing', async () => {
      assert.deepEqual(await refusal(() => lib().run(uncheckedSetLimits({ addAddrAccepted: 1, subflows: 9 }))), {
        errnoName: 'EINVAL',
        operation: 'SET_LIMITS',
        extackMessage: 'limit greater than maximum (8)',
        attribute: 'subflows',
      });
      assert.equal(ipLimits(ns), 'add_addr_accepted 0 subflows 2 \n');
      assert.deepEqual(await refusal(() => lib().run(uncheckedSetLimits({ addAddrAccepted: 9 }))), {
        errnoName: 'EINVAL',
        operation: 'SET_LIMITS',
        extackMessage: 'limit greater than maximum (8)',
        attribute: 'rcv-add-addrs',
      });
    });
  });

  describe('arguments out of range: a UsageError, and nothing reaches the kernel', () => {
    // Each of these was truncated on the wire before: 257 deleted endpoint 1, id 300 became 44,
    // subflows 2**32 + 1 set 1. The ranges are the CLI's (src/mptcp/ranges.ts).
    const calls: [string, (pm: MptcpPm) => Promise<unknown>, string][] = [
      ['deleteEndpoint(257)', (pm) => pm.deleteEndpoint(257), 'id'],
      ['deleteEndpoint(1.5)', (pm) => pm.deleteEndpoint(1.5), 'id'],
      ['getEndpoint(257)', (pm) => pm.getEndpoint(257), 'id'],
      ['addEndpoint id 300', (pm) => pm.addEndpoint({ address: '10.0.1.4', id: 300 }), 'endpoint.id'],
      ['addEndpoint address "10.0.1"', (pm) => pm.addEndpoint({ address: '10.0.1' }), 'endpoint.address'],
      ['setLimits subflows 2**32 + 1', (pm) => pm.setLimits({ subflows: 2 ** 32 + 1 }), 'limits.subflows'],
      ['setLimits subflows 9', (pm) => pm.setLimits({ subflows: 9 }), 'limits.subflows'],
      ['setLimits addAddrAccepted -1', (pm) => pm.setLimits({ addAddrAccepted: -1 }), 'limits.addAddrAccepted'],
      ['setEndpointFlags id 257', (pm) => pm.setEndpointFlags({ id: 257, flags: backup }), 'endpoint.id'],
      ['listEndpoints token 2**32', (pm) => pm.listEndpoints(2 ** 32), 'token'],
      ['remove id 256', (pm) => pm.remove(1, 256), 'id'],
      ['announce port 65536', (pm) => pm.announce(1, { address: '10.0.1.3', id: 1, port: 65536 }), 'local.port'],
      ['subflowCreate remote port 0', (pm) => pm.subflowCreate(1, { address: '10.0.1.3' }, { address: '10.0.1.9', port: 0 }), 'remote.port'],
      ['subflowDestroy remote port 2**16', (pm) => pm.subflowDestroy(1, { address: '10.0.1.3', port: 1 }, { address: '10.0.1.9', port: 2 ** 16 }), 'remote.port'],
    ];
    for (const [name, call, argument] of calls) {
      it(`${name}: UsageError naming ${argument}, endpoints and limits unchanged`, async () => {
        ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.3', 'id', '1', 'subflow');
        ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.5', 'id', '44', 'subflow');
        const sends = transportProbe.sends;
        const err = await call(lib()).then(
          () => assert.fail('accepted'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
        assert.deepEqual([err.code, err.argument], ['ERR_MPTCPCTL_USAGE', argument]);
        assert.equal(transportProbe.sends, sends, 'nothing was sent');
        assert.deepEqual(ipEndpoints(ns).map((e) => e['id']), [1, 44]);
        assert.equal(ipLimits(ns), 'add_addr_accepted 0 subflows 2 \n');
      });
    }

    it('the kernel itself refuses subflows 9 (EINVAL, nothing changed): 8 is the real maximum', async () => {
      assert.equal((await refusal(() => lib().run(uncheckedSetLimits({ subflows: 9 })))).extackMessage, 'limit greater than maximum (8)');
      assert.equal(ipLimits(ns), 'add_addr_accepted 0 subflows 2 \n');
      await lib().setLimits({ subflows: 8, addAddrAccepted: 8 });
      assert.equal(ipLimits(ns), 'add_addr_accepted 8 subflows 8 \n');
    });
  });

  describe('configured with ip, read with the library', () => {
    it('reads endpoints (port, dev, IPv6, flags) and limits set by ip', async () => {
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.3', 'port', '10200', 'id', '8', 'signal', 'backup');
      ip(ns, 'mptcp', 'endpoint', 'add', '2001:db8::3', 'id', '9', 'dev', 'v0', 'subflow', 'fullmesh');
      ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.4', 'id', '2');
      ip(ns, 'mptcp', 'limits', 'set', 'add_addr_accepted', '4', 'subflows', '6');
      const expected: Endpoint[] = [
        { id: 2, family: 2, address: '10.0.1.4', port: 0, flags: 0, ifindex: 0, unknown: [] },
        { id: 8, family: 2, address: '10.0.1.3', port: 10200, flags: signal | backup, ifindex: 0, unknown: [] },
        { id: 9, family: 10, address: '2001:db8::3', port: 0, flags: subflow | fullmesh, ifindex, unknown: [] },
      ];
      assert.deepEqual(await lib().listEndpoints(), expected);
      assert.deepEqual(await lib().getEndpoint(8), expected[1]);
      assert.deepEqual(await lib().getLimits(), { subflows: 6, addAddrAccepted: 4 });
    });
  });

  describe('requests the kernel finds incomplete', () => {
    it('names the missing attribute (MISS_TYPE) when there is no message', async () => {
      const err = await lib()
        .run({ command: 'ANNOUNCE', cmd: 8, dump: false, attributes: hex('0c00 0180 0600 0100 0200 0000') }) // addr{family}, no token
        .then(
          () => assert.fail('the kernel accepted the request'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof KernelError);
      assert.deepEqual(
        [err.errnoName, err.extackMessage, err.missingAttribute, err.message],
        ['EINVAL', undefined, 'token', 'missing attribute token [EINVAL]'],
      );
    });
  });
});

describe('MptcpPm and network namespaces', () => {
  let ns = '';

  before(() => {
    ns = createNetns('klibns');
  });

  after(() => {
    if (ns) deleteNetns(ns);
    assert.deepEqual(ownNetns(), startNetns);
  });

  it('refuses a namespace that does not exist with NetnsError', async () => {
    const missing = `mpc-klib-missing-${randomBytes(4).toString('hex')}`;
    await assert.rejects(MptcpPm.open({ netns: missing }), (err: unknown) => {
      assert.ok(err instanceof NetnsError);
      assert.equal(err.netns, missing);
      assert.match(err.message, /not found/);
      return true;
    });
    assert.deepEqual(ownNetns(), startNetns);
  });

  it('refuses a name that is a path with NetnsError', async () => {
    await assert.rejects(MptcpPm.open({ netns: '../net' }), NetnsError);
    await assert.rejects(MptcpPm.open({ netns: '' }), NetnsError);
    assert.deepEqual(ownNetns(), startNetns);
  });

  it('works inside the namespace and leaves the process in its own namespace', async () => {
    const pm = await MptcpPm.open({ netns: ns });
    try {
      assert.deepEqual(ownNetns(), startNetns);
      await pm.addEndpoint({ address: '10.0.0.1', id: 1 });
      assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.0.1', id: 1 }]);
    } finally {
      await pm.close();
    }
    assert.deepEqual(ownNetns(), startNetns);
  });
});

describe('MptcpPm without CAP_NET_ADMIN', () => {
  let ns = '';

  before(() => {
    ns = createNetns('klibcap');
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.0.1', 'id', '1', 'subflow');
  });

  after(() => {
    if (ns) deleteNetns(ns);
  });

  it('gets PermissionError (EPERM, no extack) for a write, while reads still work', () => {
    // A child process whose capability bounding set lacks CAP_NET_ADMIN (it keeps CAP_SYS_ADMIN for setns).
    const script = `
      const { MptcpPm, PermissionError, KernelError } = await import(process.argv[1]);
      const pm = await MptcpPm.open({ netns: process.argv[2] });
      const out = {};
      try { await pm.flushEndpoints(); } catch (e) {
        out.error = { name: e.name, permission: e instanceof PermissionError, kernel: e instanceof KernelError, errno: e.errno,
          errnoName: e.errnoName, operation: e.operation, extackMessage: e.extackMessage ?? null, message: e.message };
      }
      out.ids = (await pm.listEndpoints()).map((e) => e.id);
      await pm.close();
      console.log(JSON.stringify(out));`;
    const child = spawnSync(
      'setpriv',
      ['--bounding-set=-net_admin', '--inh-caps=-net_admin', process.execPath, '--input-type=module', '-e', script, resolve(repoRoot, 'build/src/index.js'), ns],
      { encoding: 'utf8' },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), {
      error: {
        name: 'PermissionError',
        permission: true,
        kernel: true,
        errno: 1,
        errnoName: 'EPERM',
        operation: 'FLUSH_ADDRS',
        extackMessage: null,
        message: 'Operation not permitted [EPERM]',
      },
      ids: [1],
    });
    assert.deepEqual(ipEndpoints(ns), [{ address: '10.0.0.1', id: 1, subflow: true }]);
  });
});
