/**
 * mptcp_pm codec: every request as exact attribute bytes, and replies and events from bytes.
 * The byte vectors are written by hand from the kernel doc (docs/kernel-mptcp-pm.md, (b) and
 * "Surprises"), not produced by the code under test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEndpointReply, decodeEvent, decodeLimitsReply, encodeRequest, type PmRequest } from '../../src/mptcp/codec.js';
import { ADDRESS_ID, LIMIT, PORT } from '../../src/mptcp/ranges.js';
import { UsageError } from '../../src/errors.js';
import { parseEndpointArgs } from '../../src/cli/grammar/endpoint.js';
import { parseLimitsArgs } from '../../src/cli/grammar/limits.js';
import type { AddressInput, Endpoint, Limits, MptcpEvent } from '../../src/mptcp/records.js';
import { AddressFlag, Command, EventType } from '../../src/families/mptcp-pm.js';
import { hex, toHex } from '../helpers/bytes.js';

const TOKEN = 0xdeadbeef;
const { signal, subflow, backup, fullmesh, laminar } = AddressFlag;

interface RequestCase {
  name: string;
  request: () => PmRequest;
  command: keyof typeof Command;
  cmd: number;
  dump?: boolean;
  /** The top-level attributes (everything after the genl header). */
  bytes: string;
}

const requestCases: RequestCase[] = [
  // ---- ADD_ADDR (endpoint set) ----
  {
    name: 'addEndpoint: IPv4 address only',
    request: () => encodeRequest.addEndpoint({ address: '10.0.0.1' }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      1400 0180             # addr: type 1 | NLA_F_NESTED, 20 bytes
        0600 0100 0200 0000 # family AF_INET
        0800 0300 0a000001  # addr4 10.0.0.1, network order`,
  },
  {
    name: 'addEndpoint: IPv4, id, port and signal|backup (the kernel doc wire example)',
    request: () => encodeRequest.addEndpoint({ address: '10.0.1.3', id: 3, port: 10100, flags: signal | backup }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      2c00 0180
        0500 0200 03 000000 # id 3
        0800 0600 05000000  # flags signal|backup
        0600 0500 7427 0000 # port 10100 = 0x2774, HOST order
        0600 0100 0200 0000 # family AF_INET
        0800 0300 0a000103  # addr4 10.0.1.3`,
  },
  {
    name: 'addEndpoint: IPv6 with id, subflow|fullmesh and if-idx',
    request: () => encodeRequest.addEndpoint({ address: '2001:db8::1', id: 7, flags: subflow | fullmesh, ifindex: 2 }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      3800 0180
        0500 0200 07 000000 # id 7
        0800 0600 0a000000  # flags subflow|fullmesh
        0800 0700 02000000  # if-idx 2 (s32)
        0600 0100 0a00 0000 # family AF_INET6
        1400 0400 20010db8 00000000 00000000 00000001 # addr6`,
  },
  {
    name: 'addEndpoint: laminar (0x20)',
    request: () => encodeRequest.addEndpoint({ address: '10.0.0.2', flags: subflow | laminar }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      1c00 0180
        0800 0600 22000000  # flags subflow|laminar
        0600 0100 0200 0000
        0800 0300 0a000002`,
  },
  {
    name: 'addEndpoint: unknown flag bits are sent as given',
    request: () => encodeRequest.addEndpoint({ address: '10.0.0.2', flags: 0x81 }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      1c00 0180
        0800 0600 81000000
        0600 0100 0200 0000
        0800 0300 0a000002`,
  },
  {
    name: 'addEndpoint: explicit id 0 is sent (the kernel then picks one)',
    request: () => encodeRequest.addEndpoint({ address: '10.0.0.1', id: 0 }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      1c00 0180
        0500 0200 00 000000
        0600 0100 0200 0000
        0800 0300 0a000001`,
  },
  {
    name: 'addEndpoint: if-idx is a signed 32-bit value (the highest index)',
    request: () => encodeRequest.addEndpoint({ address: '10.0.0.1', ifindex: 0x7fffffff }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      1c00 0180
        0800 0700 ffffff7f
        0600 0100 0200 0000
        0800 0300 0a000001`,
  },
  {
    name: 'addEndpoint: a v4-mapped IPv6 address stays IPv6',
    request: () => encodeRequest.addEndpoint({ address: '::ffff:10.0.1.18' }),
    command: 'ADD_ADDR',
    cmd: 1,
    bytes: `
      2000 0180
        0600 0100 0a00 0000
        1400 0400 00000000 00000000 0000ffff 0a000112`,
  },
  // ---- DEL_ADDR ----
  {
    name: 'deleteEndpoint: by id',
    request: () => encodeRequest.deleteEndpoint(5),
    command: 'DEL_ADDR',
    cmd: 2,
    bytes: `0c00 0180 0500 0200 05 000000`,
  },
  {
    name: 'deleteEndpoint: id 0 with an IPv4 address',
    request: () => encodeRequest.deleteEndpoint(0, '10.0.0.1'),
    command: 'DEL_ADDR',
    cmd: 2,
    bytes: `
      1c00 0180
        0500 0200 00 000000
        0600 0100 0200 0000
        0800 0300 0a000001`,
  },
  {
    name: 'deleteEndpoint: id 0 with an IPv6 address',
    request: () => encodeRequest.deleteEndpoint(0, '2001:db8::1'),
    command: 'DEL_ADDR',
    cmd: 2,
    bytes: `
      2800 0180
        0500 0200 00 000000
        0600 0100 0a00 0000
        1400 0400 20010db8 00000000 00000000 00000001`,
  },
  // ---- GET_ADDR ----
  {
    name: 'getEndpoint: by id',
    request: () => encodeRequest.getEndpoint(3),
    command: 'GET_ADDR',
    cmd: 3,
    bytes: `0c00 0180 0500 0200 03 000000`,
  },
  {
    name: 'getEndpoint: by id and token (userspace PM)',
    request: () => encodeRequest.getEndpoint(3, TOKEN),
    command: 'GET_ADDR',
    cmd: 3,
    bytes: `
      0c00 0180 0500 0200 03 000000
      0800 0400 efbeadde    # token 0xdeadbeef, host order`,
  },
  {
    name: 'listEndpoints: a dump without attributes',
    request: () => encodeRequest.listEndpoints(),
    command: 'GET_ADDR',
    cmd: 3,
    dump: true,
    bytes: ``,
  },
  {
    name: 'listEndpoints: a dump with a token',
    request: () => encodeRequest.listEndpoints(TOKEN),
    command: 'GET_ADDR',
    cmd: 3,
    dump: true,
    bytes: `0800 0400 efbeadde`,
  },
  // ---- FLUSH_ADDRS, limits ----
  { name: 'flushEndpoints', request: () => encodeRequest.flushEndpoints(), command: 'FLUSH_ADDRS', cmd: 4, bytes: `` },
  {
    name: 'setLimits: both (the kernel doc example 8/8)',
    request: () => encodeRequest.setLimits({ subflows: 8, addAddrAccepted: 8 }),
    command: 'SET_LIMITS',
    cmd: 5,
    bytes: `
      0800 0200 08000000    # rcv-add-addrs
      0800 0300 08000000    # subflows`,
  },
  {
    name: 'setLimits: subflows only',
    request: () => encodeRequest.setLimits({ subflows: 3 }),
    command: 'SET_LIMITS',
    cmd: 5,
    bytes: `0800 0300 03000000`,
  },
  {
    name: 'setLimits: add_addr_accepted 0 is sent',
    request: () => encodeRequest.setLimits({ addAddrAccepted: 0 }),
    command: 'SET_LIMITS',
    cmd: 5,
    bytes: `0800 0200 00000000`,
  },
  { name: 'getLimits', request: () => encodeRequest.getLimits(), command: 'GET_LIMITS', cmd: 6, bytes: `` },
  // ---- SET_FLAGS ----
  {
    name: 'setFlags: in-kernel endpoint by id',
    request: () => encodeRequest.setFlags({ id: 1, flags: backup }),
    command: 'SET_FLAGS',
    cmd: 7,
    bytes: `
      1400 0180
        0500 0200 01 000000
        0800 0600 04000000`,
  },
  {
    name: 'setFlags: by id with no flags sends no FLAGS (the kernel reads that as 0)',
    request: () => encodeRequest.setFlags({ id: 2, flags: 0 }),
    command: 'SET_FLAGS',
    cmd: 7,
    bytes: `0c00 0180 0500 0200 02 000000`,
  },
  {
    name: 'setFlags: in-kernel endpoint by address and port',
    request: () => encodeRequest.setFlags({ address: '10.0.1.3', port: 10100, flags: backup | fullmesh }),
    command: 'SET_FLAGS',
    cmd: 7,
    bytes: `
      2400 0180
        0800 0600 0c000000
        0600 0500 7427 0000
        0600 0100 0200 0000
        0800 0300 0a000103`,
  },
  {
    name: 'setFlags: userspace PM with token and remote address',
    request: () => encodeRequest.setFlags({ address: '10.2.0.1', flags: backup }, TOKEN, { address: '10.2.0.2', port: 5002 }),
    command: 'SET_FLAGS',
    cmd: 7,
    bytes: `
      1c00 0180
        0800 0600 04000000
        0600 0100 0200 0000
        0800 0300 0a020001
      0800 0400 efbeadde
      1c00 0680             # addr-remote: type 6 | NLA_F_NESTED
        0600 0500 8a13 0000 # port 5002 = 0x138a, host order
        0600 0100 0200 0000
        0800 0300 0a020002`,
  },
  // ---- userspace PM ----
  {
    name: 'announce: IPv4 with id and signal',
    request: () => encodeRequest.announce(TOKEN, { address: '10.2.0.1', id: 12, flags: signal }),
    command: 'ANNOUNCE',
    cmd: 8,
    bytes: `
      0800 0400 efbeadde
      2400 0180
        0500 0200 0c 000000
        0800 0600 01000000
        0600 0100 0200 0000
        0800 0300 0a020001`,
  },
  {
    name: 'announce: IPv6 with port and if-idx',
    request: () => encodeRequest.announce(1, { address: '2001:db8:2::1', id: 200, flags: signal, port: 20000, ifindex: 3 }),
    command: 'ANNOUNCE',
    cmd: 8,
    bytes: `
      0800 0400 01000000
      4000 0180
        0500 0200 c8 000000
        0800 0600 01000000
        0800 0700 03000000
        0600 0500 204e 0000 # port 20000 = 0x4e20
        0600 0100 0a00 0000
        1400 0400 20010db8 00020000 00000000 00000001`,
  },
  {
    name: 'remove',
    request: () => encodeRequest.remove(TOKEN, 12),
    command: 'REMOVE',
    cmd: 9,
    bytes: `
      0800 0400 efbeadde
      0500 0500 0c 000000   # loc-id 12`,
  },
  {
    name: 'subflowCreate: IPv4',
    request: () => encodeRequest.subflowCreate(TOKEN, { address: '10.2.0.1', id: 12 }, { address: '10.2.0.2', port: 5002 }),
    command: 'SUBFLOW_CREATE',
    cmd: 10,
    bytes: `
      0800 0400 efbeadde
      1c00 0180
        0500 0200 0c 000000
        0600 0100 0200 0000
        0800 0300 0a020001
      1c00 0680
        0600 0500 8a13 0000
        0600 0100 0200 0000
        0800 0300 0a020002`,
  },
  {
    name: 'subflowCreate: IPv6 with backup and if-idx',
    request: () =>
      encodeRequest.subflowCreate(7, { address: '2001:db8:3::1', id: 5, flags: backup, ifindex: 4 }, { address: '2001:db8:3::2', port: 443 }),
    command: 'SUBFLOW_CREATE',
    cmd: 10,
    bytes: `
      0800 0400 07000000
      3800 0180
        0500 0200 05 000000
        0800 0600 04000000
        0800 0700 04000000
        0600 0100 0a00 0000
        1400 0400 20010db8 00030000 00000000 00000001
      2800 0680
        0600 0500 bb01 0000 # port 443 = 0x01bb
        0600 0100 0a00 0000
        1400 0400 20010db8 00030000 00000000 00000002`,
  },
  {
    name: 'subflowDestroy: IPv4 with both ports',
    request: () => encodeRequest.subflowDestroy(TOKEN, { address: '10.2.0.1', port: 54279 }, { address: '10.2.0.2', port: 5002 }),
    command: 'SUBFLOW_DESTROY',
    cmd: 11,
    bytes: `
      0800 0400 efbeadde
      1c00 0180
        0600 0500 07d4 0000 # port 54279 = 0xd407
        0600 0100 0200 0000
        0800 0300 0a020001
      1c00 0680
        0600 0500 8a13 0000
        0600 0100 0200 0000
        0800 0300 0a020002`,
  },
];

describe('encodeRequest', () => {
  for (const c of requestCases) {
    it(c.name, () => {
      const req = c.request();
      assert.deepEqual(
        { command: req.command, cmd: req.cmd, dump: req.dump, attributes: toHex(req.attributes) },
        { command: c.command, cmd: c.cmd, dump: c.dump ?? false, attributes: toHex(hex(c.bytes)) },
      );
    });
  }

  it('covers all 11 commands', () => {
    const covered = new Set(requestCases.map((c) => c.cmd));
    assert.deepEqual([...covered].sort((a, b) => a - b), Object.values(Command).sort((a, b) => a - b));
  });

  it('refuses address text that is not IPv4 or IPv6 as inet_pton reads it', () => {
    for (const address of ['10.0.0.256', '10.1', 'eth0', '2001:db8::1::2', '']) {
      assert.throws(() => encodeRequest.addEndpoint({ address }), usage('endpoint.address', /expected an IPv4 or IPv6 address$/), address);
    }
  });
});

/** A UsageError (the library's typed one, with its code) that names `argument`. */
function usage(argument: string, message: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_MPTCPCTL_USAGE');
    assert.equal(err.argument, argument);
    assert.match(err.message, message);
    return true;
  };
}

describe('encodeRequest checks every argument before encoding (the CLI\'s ranges, ranges.ts)', () => {
  const v4 = '10.0.0.1';
  // Each was truncated on the wire before: id 300 went out as 44, 257 as 1, subflows 2**32 + 1 as 1.
  const refused: [string, () => PmRequest, string, RegExp][] = [
    ['deleteEndpoint(257)', () => encodeRequest.deleteEndpoint(257), 'id', /^invalid id 257: must be an integer from 0 to 255$/],
    ['deleteEndpoint(-1)', () => encodeRequest.deleteEndpoint(-1), 'id', /from 0 to 255/],
    ['deleteEndpoint(1.5)', () => encodeRequest.deleteEndpoint(1.5), 'id', /^invalid id 1.5: must be an integer/],
    ['deleteEndpoint(NaN)', () => encodeRequest.deleteEndpoint(NaN), 'id', /^invalid id NaN/],
    ['deleteEndpoint("3")', () => encodeRequest.deleteEndpoint('3' as unknown as number), 'id', /^invalid id "3"/],
    ['deleteEndpoint(0) without address', () => encodeRequest.deleteEndpoint(0), 'address', /^id 0 needs the address/],
    ['deleteEndpoint(3, address)', () => encodeRequest.deleteEndpoint(3, v4), 'address', /only with id 0/],
    ['deleteEndpoint(0, bad address)', () => encodeRequest.deleteEndpoint(0, '10.0.0'), 'address.address', /^invalid address.address "10.0.0"/],
    ['addEndpoint id 300', () => encodeRequest.addEndpoint({ address: v4, id: 300 }), 'endpoint.id', /^invalid endpoint.id 300: must be an integer from 0 to 255$/],
    ['addEndpoint without address', () => encodeRequest.addEndpoint({ id: 3 }), 'endpoint.address', /^invalid endpoint.address \(undefined\)/],
    ['addEndpoint port 65536', () => encodeRequest.addEndpoint({ address: v4, port: 65536, flags: signal }), 'endpoint.port', /from 0 to 65535$/],
    ['addEndpoint flags 2**32', () => encodeRequest.addEndpoint({ address: v4, flags: 2 ** 32 }), 'endpoint.flags', /from 0 to 4294967295$/],
    ['addEndpoint flags -1', () => encodeRequest.addEndpoint({ address: v4, flags: -1 }), 'endpoint.flags', /from 0 to 4294967295$/],
    ['addEndpoint ifindex -5', () => encodeRequest.addEndpoint({ address: v4, ifindex: -5 }), 'endpoint.ifindex', /from 0 to 2147483647$/],
    ['addEndpoint(null)', () => encodeRequest.addEndpoint(null as unknown as AddressInput), 'endpoint', /expected an object/],
    ['getEndpoint(0)', () => encodeRequest.getEndpoint(0), 'id', /from 1 to 255$/],
    ['getEndpoint(256)', () => encodeRequest.getEndpoint(256), 'id', /from 1 to 255$/],
    ['getEndpoint(1, 2**32)', () => encodeRequest.getEndpoint(1, 2 ** 32), 'token', /^invalid token \(not shown\): must be an integer from 0 to 4294967295/],
    ['listEndpoints(-1)', () => encodeRequest.listEndpoints(-1), 'token', /^invalid token \(not shown\)/],
    ['setLimits subflows 9', () => encodeRequest.setLimits({ subflows: 9 }), 'limits.subflows', /^invalid limits.subflows 9: must be an integer from 0 to 8$/],
    ['setLimits subflows 2**32 + 1', () => encodeRequest.setLimits({ subflows: 2 ** 32 + 1 }), 'limits.subflows', /^invalid limits.subflows 4294967297: must be an integer from 0 to 8$/],
    ['setLimits addAddrAccepted -1', () => encodeRequest.setLimits({ addAddrAccepted: -1 }), 'limits.addAddrAccepted', /from 0 to 8$/],
    ['setLimits(undefined)', () => encodeRequest.setLimits(undefined as unknown as Partial<Limits>), 'limits', /expected an object/],
    ['setFlags by id 0', () => encodeRequest.setFlags({ id: 0, flags: backup }), 'endpoint.id', /from 1 to 255$/],
    ['setFlags with neither address nor id', () => encodeRequest.setFlags({ flags: backup }), 'endpoint.id', /^invalid endpoint.id \(undefined\)/],
    ['setFlags with a token, no remote', () => encodeRequest.setFlags({ address: v4 }, TOKEN), 'remote', /needs the remote address/],
    ['setFlags remote port 70000', () => encodeRequest.setFlags({ address: v4 }, TOKEN, { address: '10.0.0.2', port: 70000 }), 'remote.port', /from 0 to 65535$/],
    ['announce id 0', () => encodeRequest.announce(TOKEN, { address: v4, id: 0, flags: signal }), 'local.id', /from 1 to 255$/],
    ['announce without id', () => encodeRequest.announce(TOKEN, { address: v4, flags: signal }), 'local.id', /from 1 to 255$/],
    ['announce token 2**32', () => encodeRequest.announce(2 ** 32, { address: v4, id: 1 }), 'token', /not shown/],
    ['remove id 256', () => encodeRequest.remove(TOKEN, 256), 'id', /from 0 to 255$/],
    ['subflowCreate remote port 0', () => encodeRequest.subflowCreate(TOKEN, { address: v4 }, { address: '10.0.0.2', port: 0 }), 'remote.port', /from 1 to 65535$/],
    ['subflowCreate without remote port', () => encodeRequest.subflowCreate(TOKEN, { address: v4 }, { address: '10.0.0.2' }), 'remote.port', /from 1 to 65535$/],
    ['subflowCreate local id 256', () => encodeRequest.subflowCreate(TOKEN, { address: v4, id: 256 }, { address: '10.0.0.2', port: 1 }), 'local.id', /from 0 to 255$/],
    ['subflowDestroy local port 0', () => encodeRequest.subflowDestroy(TOKEN, { address: v4, port: 0 }, { address: '10.0.0.2', port: 1 }), 'local.port', /from 1 to 65535$/],
    ['subflowDestroy remote without address', () => encodeRequest.subflowDestroy(TOKEN, { address: v4, port: 1 }, { port: 1 }), 'remote.address', /expected an IPv4 or IPv6 address$/],
  ];
  for (const [name, make, argument, message] of refused) {
    it(`refuses ${name} with a UsageError`, () => assert.throws(make, usage(argument, message)));
  }

  it('accepts the ends of every range', () => {
    encodeRequest.deleteEndpoint(255);
    encodeRequest.deleteEndpoint(0, v4);
    encodeRequest.getEndpoint(1, 0xffffffff);
    encodeRequest.setLimits({ subflows: 0, addAddrAccepted: 8 });
    encodeRequest.addEndpoint({ address: '2001:DB8::1', id: 255, port: 65535, flags: 0xffffffff, ifindex: 0x7fffffff });
    encodeRequest.remove(0, 0);
    encodeRequest.subflowDestroy(TOKEN, { address: v4, port: 65535 }, { address: '10.0.0.2', port: 1 });
  });

  it('the CLI grammar and the library share one definition of each range', () => {
    // Any value the library refuses, the grammar refuses too (and the other way round): same bounds.
    for (const [range, words] of [
      [LIMIT, (n: number) => parseLimitsArgs(['subflows', String(n)])],
      [ADDRESS_ID, (n: number) => parseEndpointArgs('delete', ['id', String(n), ...(n === 0 ? [v4] : [])])],
      [PORT, (n: number) => parseEndpointArgs('add', [v4, 'signal', 'port', String(n)])],
    ] as const) {
      assert.doesNotThrow(() => words(range.max));
      assert.throws(() => words(range.max + 1), new RegExp(`must be from ${range.min} to ${range.max}$`));
    }
  });
});

/** Event attribute bytes, by name, to build event vectors readably. */
const EV = {
  token: '0800 0100 78563412', // token 0x12345678, host order
  family4: '0600 0200 0200 0000',
  family6: '0600 0200 0a00 0000',
  saddr4: '0800 0500 0a010001', // 10.1.0.1
  daddr4: '0800 0700 0a010002', // 10.1.0.2
  saddr6: '1400 0600 20010db8 00010000 00000000 00000001', // 2001:db8:1::1
  daddr6: '1400 0800 20010db8 00010000 00000000 00000002', // 2001:db8:1::2
  sport: '0600 0900 a568 0000', // 42344 = 0xa568, BIG-endian
  dport: '0600 0a00 1389 0000', // 5001 = 0x1389, BIG-endian
  locId0: '0500 0300 00 000000',
  remId0: '0500 0400 00 000000',
};

describe('the kernel doc "Surprises", pinned', () => {
  it('endpoint PORT is a host-order u16: port 10100 is sent as 74 27', () => {
    const req = encodeRequest.addEndpoint({ address: '10.0.1.3', port: 10100, flags: signal });
    assert.ok(req.attributes.includes(hex('0600 0500 7427 0000')));
    const reply = hex('1c00 0180 0600 0100 0200 0000 0600 0500 7427 0000 0800 0300 0a000103');
    assert.equal(decodeEndpointReply(reply)!.port, 10100);
  });

  it('event SPORT/DPORT are big-endian: 13 89 is 5001', () => {
    const event = decodeEvent(EventType.LISTENER_CREATED, hex(`${EV.family4} 0600 0900 1389 0000 0800 0500 00000000`));
    assert.equal(event.sport, 5001);
    assert.equal(decodeEvent(EventType.ANNOUNCED, hex('0600 0a00 2774 0000')).dport, 10100);
  });

  it('ADDR4 is network order in requests, replies and events', () => {
    assert.ok(encodeRequest.addEndpoint({ address: '10.0.1.3' }).attributes.includes(hex('0800 0300 0a000103')));
    assert.equal(decodeEndpointReply(hex('1400 0180 0600 0100 0200 0000 0800 0300 0a000103'))!.address, '10.0.1.3');
    const event = decodeEvent(EventType.SUB_ESTABLISHED, hex('0800 0500 c0a80001 0800 0700 0a000103'));
    assert.deepEqual([event.saddr4, event.daddr4], ['192.168.0.1', '10.0.1.3']);
  });

  it('ANNOUNCED carries no family: the event has no family field', () => {
    const event = decodeEvent(EventType.ANNOUNCED, hex(`${EV.token} 0500 0400 05 000000 ${EV.dport} 0800 0700 0a020002`));
    assert.deepEqual(event, { type: 6, token: 0x12345678, remoteId: 5, dport: 5001, daddr4: '10.2.0.2', unknown: [] });
  });

  it('CREATED and ESTABLISHED carry loc-id and rem-id', () => {
    for (const type of [EventType.CREATED, EventType.ESTABLISHED]) {
      const bytes = hex(`${EV.token} ${EV.family4} ${EV.saddr4} ${EV.daddr4} ${EV.sport} ${EV.dport} 0500 0300 02 000000 0500 0400 03 000000`);
      const event = decodeEvent(type, bytes);
      assert.deepEqual([event.localId, event.remoteId], [2, 3]);
    }
  });

  it('unknown event attributes are kept in `unknown`, not fatal', () => {
    const event = decodeEvent(EventType.CLOSED, hex(`${EV.token} 0800 6300 01020304 0400 1380`));
    assert.deepEqual(event, {
      type: 3,
      token: 0x12345678,
      unknown: [
        { type: 99, nested: false, data: hex('01020304'), offset: 8 },
        { type: 19, nested: true, data: hex(''), offset: 16 },
      ],
    });
  });

  it('unknown address attributes are kept in the endpoint`s `unknown`', () => {
    const endpoint = decodeEndpointReply(hex('1c00 0180 0600 0100 0200 0000 0800 0800 2a000000 0800 0300 0a000001'));
    assert.deepEqual(endpoint!.unknown, [{ type: 8, nested: false, data: hex('2a000000'), offset: 8 }]);
    assert.equal(endpoint!.address, '10.0.0.1');
  });

  it('unknown flag bits are kept, in endpoints and in events', () => {
    assert.equal(decodeEndpointReply(hex('1400 0180 0800 0600 81000000 0500 0200 01 000000'))!.flags, 0x81);
    assert.equal(decodeEvent(EventType.CREATED, hex('0600 0d00 0380 0000')).flags, 0x8003);
  });

  it('unknown event types are kept as numbers', () => {
    assert.deepEqual(decodeEvent(42, hex(EV.token)), { type: 42, token: 0x12345678, unknown: [] });
    assert.deepEqual(decodeEvent(0, hex('')), { type: 0, unknown: [] });
  });
});

describe('decodeEndpointReply', () => {
  const cases: { name: string; bytes: string; endpoint: Endpoint | undefined }[] = [
    {
      name: 'IPv4 with port, in the kernel`s reply order',
      bytes: `
        2c00 0180
          0600 0100 0200 0000 # family
          0600 0500 7427 0000 # port 10100
          0500 0200 03 000000 # id 3
          0800 0600 05000000  # flags signal|backup
          0800 0300 0a000103  # addr4`,
      endpoint: { id: 3, family: 2, address: '10.0.1.3', port: 10100, flags: 5, ifindex: 0, unknown: [] },
    },
    {
      name: 'IPv6 with if-idx, port 0',
      bytes: `
        4000 0180
          0600 0100 0a00 0000
          0600 0500 0000 0000
          0500 0200 07 000000
          0800 0600 0a000000
          0800 0700 02000000
          1400 0400 20010db8 00000000 00000000 00000001`,
      endpoint: { id: 7, family: 10, address: '2001:db8::1', port: 0, flags: 10, ifindex: 2, unknown: [] },
    },
    {
      name: 'a negative if-idx',
      bytes: `1400 0180 0500 0200 01 000000 0800 0700 fbffffff`,
      endpoint: { id: 1, family: 0, address: '', port: 0, flags: 0, ifindex: -5, unknown: [] },
    },
    {
      name: 'a v4-mapped address in inet_ntop form',
      bytes: `2000 0180 0600 0100 0a00 0000 1400 0400 00000000 00000000 0000ffff 0a000112`,
      endpoint: { id: 0, family: 10, address: '::ffff:10.0.1.18', port: 0, flags: 0, ifindex: 0, unknown: [] },
    },
    {
      name: 'a nest without NLA_F_NESTED is still read',
      bytes: `0c00 0100 0500 0200 09 000000`,
      endpoint: { id: 9, family: 0, address: '', port: 0, flags: 0, ifindex: 0, unknown: [] },
    },
    {
      name: 'an addr6 shorter than 16 bytes is kept raw, not guessed',
      bytes: `1400 0180 0600 0100 0a00 0000 0800 0400 20010db8`,
      endpoint: { id: 0, family: 10, address: '', port: 0, flags: 0, ifindex: 0, unknown: [{ type: 4, nested: false, data: hex('20010db8'), offset: 8 }] },
    },
    {
      name: 'top-level attributes beside the nest are ignored',
      bytes: `0800 0400 01000000 0c00 0180 0500 0200 04 000000 0800 6300 00000000`,
      endpoint: { id: 4, family: 0, address: '', port: 0, flags: 0, ifindex: 0, unknown: [] },
    },
    { name: 'no address nest', bytes: `0800 0400 01000000`, endpoint: undefined },
    { name: 'no attributes', bytes: ``, endpoint: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeEndpointReply(hex(c.bytes)), c.endpoint);
    });
  }
});

describe('decodeLimitsReply', () => {
  const cases = [
    { name: 'both limits', bytes: '0800 0200 03000000 0800 0300 08000000', limits: { subflows: 8, addAddrAccepted: 3 } },
    { name: 'the defaults of a new namespace', bytes: '0800 0200 00000000 0800 0300 02000000', limits: { subflows: 2, addAddrAccepted: 0 } },
    { name: 'absent attributes read as 0', bytes: '', limits: { subflows: 0, addAddrAccepted: 0 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeLimitsReply(hex(c.bytes)), c.limits);
    });
  }
});

describe('decodeEvent', () => {
  const cases: { name: string; type: number; bytes: string; event: MptcpEvent }[] = [
    {
      name: 'CREATED, IPv4, client side',
      type: EventType.CREATED,
      bytes: `${EV.token} ${EV.family4} ${EV.saddr4} ${EV.daddr4} ${EV.sport} ${EV.dport} ${EV.locId0} ${EV.remId0}`,
      event: {
        type: 1,
        token: 0x12345678,
        family: 2,
        saddr4: '10.1.0.1',
        daddr4: '10.1.0.2',
        sport: 42344,
        dport: 5001,
        localId: 0,
        remoteId: 0,
        unknown: [],
      },
    },
    {
      name: 'ESTABLISHED, server side: server-side attribute and FLAGS bit1',
      type: EventType.ESTABLISHED,
      bytes: `${EV.token} 0500 1200 01 000000 0600 0d00 0200 0000 ${EV.family4} ${EV.daddr4} ${EV.saddr4} ${EV.dport} ${EV.sport} ${EV.locId0} ${EV.remId0}`,
      event: {
        type: 2,
        token: 0x12345678,
        serverSide: 1,
        flags: 2,
        family: 2,
        saddr4: '10.1.0.1',
        daddr4: '10.1.0.2',
        sport: 42344,
        dport: 5001,
        localId: 0,
        remoteId: 0,
        unknown: [],
      },
    },
    {
      name: 'SUB_ESTABLISHED, IPv6',
      type: EventType.SUB_ESTABLISHED,
      bytes: `${EV.token} ${EV.family6} ${EV.saddr6} ${EV.daddr6} ${EV.sport} ${EV.dport} 0500 0300 0c 000000 0500 0400 01 000000 0500 0b00 00 000000`,
      event: {
        type: 10,
        token: 0x12345678,
        family: 10,
        saddr6: '2001:db8:1::1',
        daddr6: '2001:db8:1::2',
        sport: 42344,
        dport: 5001,
        localId: 12,
        remoteId: 1,
        backup: 0,
        unknown: [],
      },
    },
    {
      name: 'SUB_CLOSED with error, if-idx, reset reason and flags',
      type: EventType.SUB_CLOSED,
      bytes: `${EV.token} ${EV.family4} ${EV.saddr4} ${EV.daddr4} ${EV.sport} ${EV.dport} 0500 0b00 01 000000 0800 0f00 03000000 0500 0c00 6f 000000 0800 1000 05000000 0800 1100 01000000`,
      event: {
        type: 11,
        token: 0x12345678,
        family: 2,
        saddr4: '10.1.0.1',
        daddr4: '10.1.0.2',
        sport: 42344,
        dport: 5001,
        backup: 1,
        ifindex: 3,
        error: 111,
        resetReason: 5,
        resetFlags: 1,
        unknown: [],
      },
    },
    {
      name: 'REMOVED',
      type: EventType.REMOVED,
      bytes: `${EV.token} 0500 0400 0c 000000`,
      event: { type: 7, token: 0x12345678, remoteId: 12, unknown: [] },
    },
    {
      name: 'LISTENER_CREATED has no token',
      type: EventType.LISTENER_CREATED,
      bytes: `${EV.family6} 0600 0900 1389 0000 1400 0600 00000000 00000000 00000000 00000000`,
      event: { type: 15, family: 10, sport: 5001, saddr6: '::', unknown: [] },
    },
    {
      name: 'TIMEOUT (defined, never sent by the kernel) still decodes',
      type: EventType.CREATED,
      bytes: `0800 0e00 78000000`,
      event: { type: 1, timeout: 120, unknown: [] },
    },
    {
      name: 'a token shorter than 4 bytes is kept raw, not guessed',
      type: EventType.CLOSED,
      bytes: `0600 0100 3412 0000`,
      event: { type: 3, unknown: [{ type: 1, nested: false, data: hex('3412'), offset: 0 }] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeEvent(c.type, hex(c.bytes)), c.event);
    });
  }
});
