/**
 * Real bytes from the running kernel, pinned with the records they must decode to.
 *
 * How they were captured (once, with a throw-away script outside the repository, on Linux
 * 6.18.44 x86-64, iproute2 6.1): the library's own MptcpPm/GenericNetlink with a trace hook
 * recorded every datagram sent and received inside a fresh network namespace (family id 0x1c,
 * groups 8/9). Events were read raw from the `mptcp_pm_events` group in two namespaces joined by
 * veth pairs while python MPTCP peers (test/helpers/mptcp_peer.py) connected:
 *  - in-kernel PM: B announced endpoint 10.2.0.2 id 5 (signal), A accepted it and opened a
 *    subflow, B changed the endpoint to backup, then deleted it, then the clients closed;
 *  - userspace PM (pm_type=1): A announced 10.2.0.1 id 12 and created a subflow from it,
 *    set it to backup, destroyed it.
 * Sequence numbers and port ids are those of that run; they are part of the bytes, not checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEndpointReply, decodeEvent, decodeLimitsReply, encodeRequest, type PmRequest } from '../../src/mptcp/codec.js';
import type { Endpoint, MptcpEvent } from '../../src/mptcp/records.js';
import { requestSetOf } from '../../src/families/mptcp-pm.js';
import { decodeDonePayload, decodeErrorPayload } from '../../src/netlink/extack.js';
import { decodeFamily, kernelError } from '../../src/netlink/genl.js';
import { decodeGenlMessageAt, decodeMessages, encodeGenlMessage, GENL_HDRLEN, NLMSG_DONE, NLMSG_ERROR } from '../../src/netlink/message.js';
import { hex, toHex } from '../helpers/bytes.js';
import { mptcpPmFamily } from '../helpers/mptcp-pm-family.js';
import { uncheckedSetLimits } from '../helpers/requests.js';

const FAMILY_ID = 0x1c;
const PORT_ID = 0x110b;

/** The only message of a datagram, checked to be a genl message of `type`, with its cmd and attributes. */
function genlMessage(datagram: string, type = FAMILY_ID) {
  const bytes = hex(datagram);
  const messages = decodeMessages(bytes);
  assert.equal(messages.length, 1);
  const msg = messages[0]!;
  assert.equal(msg.type, type);
  return { msg, ...decodeGenlMessageAt(bytes, msg.offset, 16 + msg.payload.length) };
}

describe('kernel bytes: family resolution', () => {
  it('CTRL_CMD_NEWFAMILY for mptcp_pm: 11 ops with their flags, two groups', () => {
    const { cmd, version, msg, attributes } = genlMessage(
      `68010000 1000 0000 9a700d6b 0b110000 01020000
       0d000200 6d707463705f706d 00000000 06000100 1c000000 08000300 01000000 08000400 00000000 08000500 00000000
       e0000600 14000100 08000100 01000000 08000200 1a000000 14000200 08000100 02000000 08000200 1a000000
                14000300 08000100 03000000 08000200 0e000000 14000400 08000100 04000000 08000200 1a000000
                14000500 08000100 05000000 08000200 1a000000 14000600 08000100 06000000 08000200 0a000000
                14000700 08000100 07000000 08000200 1a000000 14000800 08000100 08000000 08000200 1a000000
                14000900 08000100 09000000 08000200 1a000000 14000a00 08000100 0a000000 08000200 1a000000
                14000b00 08000100 0b000000 08000200 1a000000
       44000700 20000100 08000200 08000000 12000100 6d707463705f706d5f636d6473 000000
                20000200 08000200 09000000 14000100 6d707463705f706d5f6576656e747300`,
      0x10,
    );
    assert.deepEqual([cmd, version, msg.pid], [1, 2, PORT_ID]);
    const write = 0x1a; // CAP_DO | HASPOL | UNS_ADMIN_PERM
    assert.deepEqual(
      decodeFamily(attributes),
      mptcpPmFamily([
        [1, write],
        [2, write],
        [3, 0x0e], // GET_ADDR: DO | DUMP | HASPOL, no admin
        [4, write],
        [5, write],
        [6, 0x0a], // GET_LIMITS: DO | HASPOL, no admin
        [7, write],
        [8, write],
        [9, write],
        [10, write],
        [11, write],
      ]),
    );
  });
});

describe('kernel bytes: requests the kernel accepted are what encodeRequest builds', () => {
  const cases: { name: string; request: PmRequest; flags: number; seq: number; sent: string }[] = [
    {
      name: 'ADD_ADDR 10.0.1.3 id 3 port 10100 signal|backup',
      request: encodeRequest.addEndpoint({ address: '10.0.1.3', id: 3, port: 10100, flags: 5 }),
      flags: 0x05,
      seq: 0x6b0d709b,
      sent: '40000000 1c00 0500 9b700d6b 00000000 01010000 2c000180 05000200 03000000 08000600 05000000 06000500 74270000 06000100 02000000 08000300 0a000103',
    },
    {
      name: 'ADD_ADDR 2001:db8::1 id 7 subflow|fullmesh if-idx 2',
      request: encodeRequest.addEndpoint({ address: '2001:db8::1', id: 7, flags: 0x0a, ifindex: 2 }),
      flags: 0x05,
      seq: 0x6b0d709c,
      sent: '4c000000 1c00 0500 9c700d6b 00000000 01010000 38000180 05000200 07000000 08000600 0a000000 08000700 02000000 06000100 0a000000 14000400 20010db8 00000000 00000000 00000001',
    },
    {
      name: 'GET_ADDR dump',
      request: encodeRequest.listEndpoints(),
      flags: 0x0301,
      seq: 0x6b0d709f,
      sent: '14000000 1c00 0103 9f700d6b 00000000 03010000',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const built = encodeGenlMessage({ type: FAMILY_ID, flags: c.flags, seq: c.seq, pid: 0 }, c.request.cmd, 1, c.request.attributes);
      assert.equal(toHex(built), toHex(hex(c.sent)));
    });
  }
});

describe('kernel bytes: replies', () => {
  const v4: Endpoint = { id: 3, family: 2, address: '10.0.1.3', port: 10100, flags: 5, ifindex: 0, unknown: [] };
  const v6: Endpoint = { id: 7, family: 10, address: '2001:db8::1', port: 0, flags: 0x0a, ifindex: 2, unknown: [] };

  it('GET_ADDR id 3: IPv4 endpoint with port', () => {
    const { cmd, version, attributes } = genlMessage(
      '40000000 1c00 0000 9d700d6b 0b110000 03010000 2c000180 06000100 02000000 06000500 74270000 05000200 03000000 08000600 05000000 08000300 0a000103',
    );
    assert.deepEqual([cmd, version], [3, 1]);
    assert.deepEqual(decodeEndpointReply(attributes), v4);
  });

  it('GET_ADDR id 7: IPv6 endpoint with if-idx', () => {
    const { attributes } = genlMessage(
      '54000000 1c00 0000 9e700d6b 0b110000 03010000 40000180 06000100 0a000000 06000500 00000000 05000200 07000000 08000600 0a000000 08000700 02000000 14000400 20010db8 00000000 00000000 00000001',
    );
    assert.deepEqual(decodeEndpointReply(attributes), v6);
  });

  it('GET_ADDR dump: two NLM_F_MULTI messages in one datagram, then NLMSG_DONE', () => {
    const parts = decodeMessages(
      hex(`40000000 1c00 0200 9f700d6b 0b110000 03010000 2c000180 06000100 02000000 06000500 74270000 05000200 03000000 08000600 05000000 08000300 0a000103
           54000000 1c00 0200 9f700d6b 0b110000 03010000 40000180 06000100 0a000000 06000500 00000000 05000200 07000000 08000600 0a000000 08000700 02000000 14000400 20010db8 00000000 00000000 00000001`),
    );
    assert.deepEqual(
      parts.map((m) => [m.type, m.flags, m.offset]),
      [
        [FAMILY_ID, 2, 0],
        [FAMILY_ID, 2, 64],
      ],
    );
    assert.deepEqual(
      parts.map((m) => decodeEndpointReply(m.payload.subarray(GENL_HDRLEN))),
      [v4, v6],
    );
    const [done] = decodeMessages(hex('14000000 0300 0200 9f700d6b 0b110000 00000000'));
    assert.deepEqual([done!.type, decodeDonePayload(done!.payload, done!.flags)], [NLMSG_DONE, { error: 0 }]);
  });

  it('GET_LIMITS of a new namespace: add_addr_accepted 0, subflows 2', () => {
    const { cmd, attributes } = genlMessage('24000000 1c00 0000 a0700d6b 0b110000 06010000 08000200 00000000 08000300 02000000');
    assert.equal(cmd, 6);
    assert.deepEqual(decodeLimitsReply(attributes), { subflows: 2, addAddrAccepted: 0 });
  });

  it('an ACK: NLMSG_ERROR with error 0 and the capped request header', () => {
    const [ack] = decodeMessages(hex('24000000 0200 0001 9d700d6b 0b110000 00000000 20000000 1c000500 9d700d6b 00000000'));
    assert.deepEqual([ack!.type, ack!.flags], [NLMSG_ERROR, 0x100]);
    assert.deepEqual(decodeErrorPayload(ack!.payload, ack!.flags), { error: 0, requestSeq: 0x6b0d709d });
  });
});

describe('kernel bytes: errors with extack', () => {
  interface ErrorCase {
    name: string;
    request: PmRequest;
    sent: string;
    received: string;
    expected: { errnoName: string; extackMessage: string | undefined; offset: number | undefined; attribute: string | undefined; missingAttribute: string | undefined };
  }
  const cases: ErrorCase[] = [
    {
      name: 'SET_LIMITS subflows 9: message and offset of the attribute',
      request: uncheckedSetLimits({ subflows: 9 }),
      sent: '1c000000 1c00 0500 a1700d6b 00000000 05010000 08000300 09000000',
      received:
        '50000000 0200 0003 a1700d6b 0b110000 eaffffff 1c000000 1c000500 a1700d6b 00000000 23000100 6c696d69742067726561746572207468616e206d6178696d756d20283829 00 00 08000200 14000000',
      expected: { errnoName: 'EINVAL', extackMessage: 'limit greater than maximum (8)', offset: 20, attribute: 'subflows', missingAttribute: undefined },
    },
    {
      name: 'DEL_ADDR of a missing id',
      request: encodeRequest.deleteEndpoint(42),
      sent: '20000000 1c00 0500 a3700d6b 00000000 02010000 0c000180 05000200 2a000000',
      received: '44000000 0200 0003 a3700d6b 0b110000 eaffffff 20000000 1c000500 a3700d6b 00000000 16000100 61646472657373206e6f7420666f756e64 00 0000 08000200 14000000',
      expected: { errnoName: 'EINVAL', extackMessage: 'address not found', offset: 20, attribute: 'addr', missingAttribute: undefined },
    },
    {
      name: 'ADD_ADDR of a duplicate address (EEXIST, no offset)',
      request: encodeRequest.addEndpoint({ address: '10.0.0.9', id: 2 }),
      sent: '30000000 1c00 0500 fe700d6b 00000000 01010000 1c000180 05000200 02000000 06000100 02000000 08000300 0a000009',
      received:
        '54000000 0200 0003 fe700d6b 57170000 efffffff 30000000 1c000500 fe700d6b 00000000 2d000100 746f6f206d616e7920616464726573736573206f72206475706c6963617465206f6e653a202d3137 00 000000',
      expected: { errnoName: 'EEXIST', extackMessage: 'too many addresses or duplicate one: -17', offset: undefined, attribute: undefined, missingAttribute: undefined },
    },
    {
      name: 'ADD_ADDR with a port already in use: the listener`s errno',
      request: encodeRequest.addEndpoint({ address: '10.0.1.3', id: 4, port: 10100, flags: 5 }),
      sent: '40000000 1c00 0500 a2700d6b 00000000 01010000 2c000180 05000200 04000000 08000600 05000000 06000500 74270000 06000100 02000000 08000300 0a000103',
      received: '48000000 0200 0003 a2700d6b 0b110000 9effffff 40000000 1c000500 a2700d6b 00000000 24000100 637265617465206c697374656e20736f636b6574206572726f723a202d3938 00',
      expected: { errnoName: 'EADDRINUSE', extackMessage: 'create listen socket error: -98', offset: undefined, attribute: undefined, missingAttribute: undefined },
    },
    {
      name: 'ADD_ADDR without attributes: MISS_TYPE 1',
      request: { command: 'ADD_ADDR', cmd: 1, dump: false, attributes: Buffer.alloc(0) },
      sent: '14000000 1c00 0500 a4700d6b 00000000 01010000',
      received: '2c000000 0200 0003 a4700d6b 0b110000 eaffffff 14000000 1c000500 a4700d6b 00000000 08000500 01000000',
      expected: { errnoName: 'EINVAL', extackMessage: undefined, offset: undefined, attribute: undefined, missingAttribute: 'addr' },
    },
    {
      name: 'ANNOUNCE without token: MISS_TYPE 4',
      request: { command: 'ANNOUNCE', cmd: 8, dump: false, attributes: hex('0c000180 06000100 02000000') },
      sent: '20000000 1c00 0500 f9700d6b 00000000 08010000 0c000180 06000100 02000000',
      received: '2c000000 0200 0003 f9700d6b 57170000 eaffffff 20000000 1c000500 f9700d6b 00000000 08000500 04000000',
      expected: { errnoName: 'EINVAL', extackMessage: undefined, offset: undefined, attribute: undefined, missingAttribute: 'token' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [msg] = decodeMessages(hex(c.received));
      assert.equal(msg!.type, NLMSG_ERROR);
      const ack = decodeErrorPayload(msg!.payload, msg!.flags);
      const sent = hex(c.sent);
      assert.equal(ack.requestSeq, sent.readUInt32LE(8));
      const err = kernelError(
        ack,
        { familyId: FAMILY_ID, cmd: c.request.cmd, version: 1, attributes: c.request.attributes, operation: c.request.command, attributeSet: requestSetOf(c.request.cmd) },
        sent,
      );
      assert.deepEqual(
        { errnoName: err.errnoName, extackMessage: err.extackMessage, offset: err.offset, attribute: err.attribute, missingAttribute: err.missingAttribute },
        c.expected,
      );
    });
  }

  it('a dump with an unknown token: the error arrives in NLMSG_DONE with extack TLVs', () => {
    const sent = hex('1c000000 1c00 0103 a5700d6b 00000000 03010000 08000400 39300000');
    const [done] = decodeMessages(hex('30000000 0300 0202 a5700d6b 0b110000 eaffffff 12000100 696e76616c696420746f6b656e 00 0000 08000200 14000000'));
    assert.deepEqual([done!.type, done!.flags], [NLMSG_DONE, 0x0202]);
    const ack = decodeDonePayload(done!.payload, done!.flags);
    assert.deepEqual(ack, { error: -22, message: 'invalid token', offset: 20 });
    const req = encodeRequest.listEndpoints(12345);
    const err = kernelError(ack, { familyId: FAMILY_ID, cmd: 3, version: 1, attributes: req.attributes, dump: true, operation: 'GET_ADDR', attributeSet: requestSetOf(3) }, sent);
    assert.deepEqual([err.message, err.attribute], ['invalid token (attribute token) [EINVAL]', 'token']);
  });
});

/** One event datagram: nlmsg type = family id, seq 0, port id 0, genl version 1. */
function eventOf(datagram: string): MptcpEvent {
  const { msg, cmd, version, attributes } = genlMessage(datagram);
  assert.deepEqual([msg.flags, msg.seq, msg.pid, version], [0, 0, 0, 1]);
  return decodeEvent(cmd, attributes);
}

/** One test per recorded event datagram: it decodes to exactly `event`. */
function decodesTo(cases: { name: string; datagram: string; event: MptcpEvent }[]): void {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(eventOf(c.datagram), c.event);
    });
  }
}

describe('kernel bytes: events of an in-kernel PM connection', () => {
  const A = 0x5452e85b; // the client's token (namespace A)
  const B = 0x29fb866f; // the server's token (namespace B)
  decodesTo([
    {
      name: 'A: CREATED (client side: no flags, no server-side)',
      datagram: `54000000 1c000000 00000000 00000000 01010000 08000100 5be85254 06000200 02000000 08000500 0a010001 08000700 0a010002
                 06000900 ea820000 06000a00 13890000 05000300 00000000 05000400 00000000`,
      event: { type: 1, token: A, family: 2, saddr4: '10.1.0.1', daddr4: '10.1.0.2', sport: 60034, dport: 5001, localId: 0, remoteId: 0, unknown: [] },
    },
    {
      name: 'A: ESTABLISHED',
      datagram: `54000000 1c000000 00000000 00000000 02010000 08000100 5be85254 06000200 02000000 08000500 0a010001 08000700 0a010002
                 06000900 ea820000 06000a00 13890000 05000300 00000000 05000400 00000000`,
      event: { type: 2, token: A, family: 2, saddr4: '10.1.0.1', daddr4: '10.1.0.2', sport: 60034, dport: 5001, localId: 0, remoteId: 0, unknown: [] },
    },
    {
      name: 'A: ANNOUNCED (no family; dport is the port of the connection)',
      datagram: '34000000 1c000000 00000000 00000000 06010000 08000100 5be85254 05000400 05000000 06000a00 13890000 08000700 0a020002',
      event: { type: 6, token: A, remoteId: 5, dport: 5001, daddr4: '10.2.0.2', unknown: [] },
    },
    {
      name: 'A: SUB_ESTABLISHED to the announced address',
      datagram: `5c000000 1c000000 00000000 00000000 0a010000 08000100 5be85254 06000200 02000000 08000500 0a020001 08000700 0a020002
                 06000900 9bd10000 06000a00 13890000 05000300 01000000 05000400 05000000 05000b00 00000000`,
      event: { type: 10, token: A, family: 2, saddr4: '10.2.0.1', daddr4: '10.2.0.2', sport: 39889, dport: 5001, localId: 1, remoteId: 5, backup: 0, unknown: [] },
    },
    {
      name: 'A: SUB_PRIORITY after the peer`s MP_PRIO',
      datagram: `5c000000 1c000000 00000000 00000000 0d010000 08000100 5be85254 06000200 02000000 08000500 0a020001 08000700 0a020002
                 06000900 9bd10000 06000a00 13890000 05000300 01000000 05000400 05000000 05000b00 01000000`,
      event: { type: 13, token: A, family: 2, saddr4: '10.2.0.1', daddr4: '10.2.0.2', sport: 39889, dport: 5001, localId: 1, remoteId: 5, backup: 1, unknown: [] },
    },
    {
      name: 'A: REMOVED',
      datagram: '24000000 1c000000 00000000 00000000 07010000 08000100 5be85254 05000400 05000000',
      event: { type: 7, token: A, remoteId: 5, unknown: [] },
    },
    {
      name: 'A: SUB_CLOSED',
      datagram: `5c000000 1c000000 00000000 00000000 0b010000 08000100 5be85254 06000200 02000000 08000500 0a020001 08000700 0a020002
                 06000900 9bd10000 06000a00 13890000 05000300 01000000 05000400 05000000 05000b00 01000000`,
      event: { type: 11, token: A, family: 2, saddr4: '10.2.0.1', daddr4: '10.2.0.2', sport: 39889, dport: 5001, localId: 1, remoteId: 5, backup: 1, unknown: [] },
    },
    {
      name: 'A: CLOSED',
      datagram: '1c000000 1c000000 00000000 00000000 03010000 08000100 5be85254',
      event: { type: 3, token: A, unknown: [] },
    },
    {
      name: 'B: LISTENER_CREATED (no token)',
      datagram: '2c000000 1c000000 00000000 00000000 0f010000 06000200 02000000 06000900 13890000 08000500 00000000',
      event: { type: 15, family: 2, sport: 5001, saddr4: '0.0.0.0', unknown: [] },
    },
    {
      name: 'B: CREATED (server side: SERVER_SIDE=1 and FLAGS bit1)',
      datagram: `64000000 1c000000 00000000 00000000 01010000 08000100 6f86fb29 05001200 01000000 06000d00 02000000 06000200 02000000
                 08000500 0a010002 08000700 0a010001 06000900 13890000 06000a00 ea820000 05000300 00000000 05000400 00000000`,
      event: {
        type: 1,
        token: B,
        serverSide: 1,
        flags: 2,
        family: 2,
        saddr4: '10.1.0.2',
        daddr4: '10.1.0.1',
        sport: 5001,
        dport: 60034,
        localId: 0,
        remoteId: 0,
        unknown: [],
      },
    },
    {
      name: 'B: SUB_ESTABLISHED on the signal endpoint (local id 5)',
      datagram: `5c000000 1c000000 00000000 00000000 0a010000 08000100 6f86fb29 06000200 02000000 08000500 0a020002 08000700 0a020001
                 06000900 13890000 06000a00 9bd10000 05000300 05000000 05000400 01000000 05000b00 00000000`,
      event: { type: 10, token: B, family: 2, saddr4: '10.2.0.2', daddr4: '10.2.0.1', sport: 5001, dport: 39889, localId: 5, remoteId: 1, backup: 0, unknown: [] },
    },
    {
      name: 'B: LISTENER_CLOSED',
      datagram: '2c000000 1c000000 00000000 00000000 10010000 06000200 02000000 06000900 13890000 08000500 00000000',
      event: { type: 16, family: 2, sport: 5001, saddr4: '0.0.0.0', unknown: [] },
    },
  ]);
});

describe('kernel bytes: events of an IPv6 connection', () => {
  decodesTo([
    {
      name: 'A: CREATED',
      datagram: `6c000000 1c000000 00000000 00000000 01010000 08000100 4f500f8f 06000200 0a000000
                 14000600 20010db8 00010000 00000000 00000001 14000800 20010db8 00010000 00000000 00000002
                 06000900 be820000 06000a00 138b0000 05000300 00000000 05000400 00000000`,
      event: { type: 1, token: 0x8f0f504f, family: 10, saddr6: '2001:db8:1::1', daddr6: '2001:db8:1::2', sport: 48770, dport: 5003, localId: 0, remoteId: 0, unknown: [] },
    },
    {
      name: 'B: ESTABLISHED (server side)',
      datagram: `7c000000 1c000000 00000000 00000000 02010000 08000100 15dc3b43 05001200 01000000 06000d00 02000000 06000200 0a000000
                 14000600 20010db8 00010000 00000000 00000002 14000800 20010db8 00010000 00000000 00000001
                 06000900 138b0000 06000a00 be820000 05000300 00000000 05000400 00000000`,
      event: {
        type: 2,
        token: 0x433bdc15,
        serverSide: 1,
        flags: 2,
        family: 10,
        saddr6: '2001:db8:1::2',
        daddr6: '2001:db8:1::1',
        sport: 5003,
        dport: 48770,
        localId: 0,
        remoteId: 0,
        unknown: [],
      },
    },
    {
      name: 'B: LISTENER_CREATED on ::',
      datagram: '38000000 1c000000 00000000 00000000 0f010000 06000200 0a000000 06000900 138b0000 14000600 00000000 00000000 00000000 00000000',
      event: { type: 15, family: 10, sport: 5003, saddr6: '::', unknown: [] },
    },
  ]);
});

describe('kernel bytes: events of a userspace PM connection (seen by the peer, B)', () => {
  const B = 0xf0cd1927;
  decodesTo([
    {
      name: 'ANNOUNCED without a port: dport is the port of the initial subflow',
      datagram: '34000000 1c000000 00000000 00000000 06010000 08000100 2719cdf0 05000400 0c000000 06000a00 b82c0000 08000700 0a020001',
      event: { type: 6, token: B, remoteId: 12, dport: 47148, daddr4: '10.2.0.1', unknown: [] },
    },
    {
      name: 'SUB_PRIORITY after setSubflowPriority on A',
      datagram: `5c000000 1c000000 00000000 00000000 0d010000 08000100 2719cdf0 06000200 02000000 08000500 0a020002 08000700 0a020001
                 06000900 138a0000 06000a00 d4070000 05000300 01000000 05000400 0c000000 05000b00 01000000`,
      event: { type: 13, token: B, family: 2, saddr4: '10.2.0.2', daddr4: '10.2.0.1', sport: 5002, dport: 54279, localId: 1, remoteId: 12, backup: 1, unknown: [] },
    },
  ]);
});
