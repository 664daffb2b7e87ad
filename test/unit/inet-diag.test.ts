/** inet_diag: request bytes, reply decoding (built vectors and pinned real replies), mptcp_info, records. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInetDiagMessage, encodeInetDiagRequest, type InetDiagSocket } from '../../src/diag/inet-diag.js';
import { InetDiagAttr, IPPROTO_MPTCP, IPPROTO_TCP } from '../../src/families/sock-diag.js';
import { decodeMptcpInfo, mptcpInfoFlagNames } from '../../src/diag/mptcp-info.js';
import { assignSides, stateName, toConnection, toSubflow, type ConnectionWithoutSide } from '../../src/diag/records.js';
import { AttributeWriter, decodeMessages, NetlinkDecodeError } from '../../src/netlink/message.js';
import { hex, toHex } from '../helpers/bytes.js';
import * as captured from './fixtures/inet-diag-captures.js';

const AF_INET = 2;
const AF_INET6 = 10;

describe('encodeInetDiagRequest', () => {
  const zeroSockid = '00'.repeat(48);
  const cases = [
    {
      name: 'MPTCP dump, IPv4, INFO: protocol 262 needs INET_DIAG_REQ_PROTOCOL; the u8 field says TCP',
      req: { family: AF_INET, protocol: IPPROTO_MPTCP, extensions: [InetDiagAttr.INFO] },
      seq: 7,
      bytes: `50000000 1400 0103 07000000 00000000   # len 80, SOCK_DIAG_BY_FAMILY, REQUEST|DUMP
              02 06 02 00 ffffffff                   # AF_INET, u8 protocol 6, ext 1<<(2-1), all states
              ${zeroSockid}
              0800 0300 06010000                     # INET_DIAG_REQ_PROTOCOL = 262 (u32)`,
    },
    {
      name: 'TCP dump, IPv6, INFO: no protocol attribute',
      req: { family: AF_INET6, protocol: IPPROTO_TCP, extensions: [InetDiagAttr.INFO] },
      seq: 0xfffffffe,
      bytes: `48000000 1400 0103 feffffff 00000000
              0a 06 02 00 ffffffff
              ${zeroSockid}`,
    },
    {
      name: 'lookup by cookie (MPTCP: token in cookie[0]), chosen states and extensions',
      req: { family: AF_INET, protocol: IPPROTO_MPTCP, extensions: [InetDiagAttr.MEMINFO, InetDiagAttr.SHUTDOWN], states: 1 << 10, dump: false, cookie: 0x11223344_a1b2c3d4n },
      seq: 1,
      bytes: `50000000 1400 0100 01000000 00000000   # REQUEST only
              02 06 81 00 00040000                   # ext bits 1 and 8, LISTEN only
              ${'00'.repeat(40)} d4c3b2a1 44332211   # cookie[0] low half, cookie[1] high half
              0800 0300 06010000`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(toHex(encodeInetDiagRequest(c.req, c.seq)), toHex(hex(c.bytes)));
    });
  }

  it('refuses extensions that the 8-bit ext field cannot carry', () => {
    for (const id of [0, 9, InetDiagAttr.ULP_INFO]) {
      assert.throws(() => encodeInetDiagRequest({ family: AF_INET, protocol: IPPROTO_TCP, extensions: [id] }, 1), RangeError);
    }
  });
});

/** struct inet_diag_msg for tests: fields are given, the rest is zero. */
function diagMsg(f: Partial<{ family: number; state: number; sport: number; dport: number; src: string; dst: string; ifindex: number; inode: number }>, attrs: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(72);
  b[0] = f.family ?? AF_INET;
  b[1] = f.state ?? 1;
  b.writeUInt16BE(f.sport ?? 0, 4);
  b.writeUInt16BE(f.dport ?? 0, 6);
  hex(f.src ?? '').copy(b, 8);
  hex(f.dst ?? '').copy(b, 24);
  b.writeUInt32LE(f.ifindex ?? 0, 40);
  b.writeUInt32LE(f.inode ?? 0, 68);
  return Buffer.concat([b, attrs]);
}

describe('decodeInetDiagMessage', () => {
  it('reads every field of inet_diag_msg: ports big-endian, the cookie from two host-order halves', () => {
    const payload = hex(`
      0a 0a 02 03                                   # AF_INET6, LISTEN, timer 2, retrans 3
      1389 b33a                                     # sport 5001, dport 45882 (big-endian)
      20010db8 00010000 00000000 00000002           # src 2001:db8:1::2
      00000000 00000000 0000ffff 0a010001           # dst ::ffff:10.1.0.1
      05000000                                      # if 5
      d4c3b2a1 44332211                             # cookie[0], cookie[1]
      10270000 01000000 02000000 e8030000 39300000  # expires 10000, rqueue 1, wqueue 2, uid 1000, inode 12345`);
    const s = decodeInetDiagMessage(payload);
    assert.deepEqual(
      { ...s, unknown: s.unknown.length },
      {
        family: AF_INET6, state: 10, timer: 2, retrans: 3, sport: 5001, dport: 45882,
        src: '2001:db8:1::2', dst: '::ffff:10.1.0.1', ifindex: 5, cookie: 0x11223344_a1b2c3d4n,
        expires: 10000, rqueue: 1, wqueue: 2, uid: 1000, inode: 12345, unknown: 0,
      },
    );
  });

  it('IPv4 addresses are the first 4 of the 16 bytes', () => {
    const s = decodeInetDiagMessage(diagMsg({ src: '0a020001', dst: '0a010002', sport: 35085, dport: 5000 }));
    assert.deepEqual([s.src, s.sport, s.dst, s.dport], ['10.2.0.1', 35085, '10.1.0.2', 5000]);
  });

  it('a header shorter than 72 bytes is corrupt', () => {
    assert.throws(() => decodeInetDiagMessage(Buffer.alloc(71)), NetlinkDecodeError);
  });

  it('decodes INFO raw, the ULP nest (no NLA_F_NESTED bit) and the small attributes; keeps unknown ones, drops PAD', () => {
    const attrs = hex(`
      0500 0800 03000000                 # SHUTDOWN 3
      0400 0e00                          # PAD (nothing)
      0c00 0200 01020304 05060708        # INFO, 8 raw bytes
      0500 0a00 06000000                 # PROTOCOL 6
      0800 0f00 2a000000                 # MARK 42
      0c00 1500 0100000000000000         # CGROUP_ID 1
      0600 1600 5200 0000                # SOCKOPT 0x52
      0800 6300 beefbeef                 # type 99: unknown, kept
      2c00 1300                          # ULP_INFO (type 19, no NESTED flag)
        0a00 0100 6d70746370000000       #   NAME "mptcp"
        1c00 0300                        #   MPTCP nest
          0800 0200 c7d94c12             #     token-loc 0x124cd9c7
          0800 0800 c3000000             #     flags mcap_rem|mcap_loc|fully_established|connected
          0600 0100 3412 0000            #     token-rem in 2 bytes: too short for a u32, kept raw
    `);
    const s = decodeInetDiagMessage(diagMsg({}, attrs));
    assert.equal(toHex(s.info!), '0102030405060708');
    assert.deepEqual([s.shutdown, s.protocol, s.mark, s.cgroupId, s.sockopt], [3, 6, 42, 1n, 0x52]);
    assert.deepEqual(s.unknown.map((a) => [a.type, toHex(a.data)]), [[99, 'beefbeef']]);
    assert.equal(s.ulp?.name, 'mptcp');
    assert.deepEqual([...s.ulp!.mptcp!.values], [['token-loc', 0x124cd9c7], ['flags', 0xc3]]);
    assert.deepEqual(s.ulp!.mptcp!.unknown.map((a) => a.type), [1]);
  });

  it('broken attribute framing is an error, not a guess', () => {
    assert.throws(() => decodeInetDiagMessage(diagMsg({}, hex('0c00 0200 0102'))), NetlinkDecodeError);
  });
});

describe('decodeMptcpInfo', () => {
  /** A 96-byte 6.18 struct whose every field has a distinct value. */
  const full = hex(`
    01 02 03 04 05 06 0000        # subflows .. add_addr_accepted_max, 16-bit hole
    03000000 d4c3b2a1             # flags fallback|remote_key, token
    1111111111111111 2222222222222222 3333333333333333   # write_seq, snd_una, rcv_nxt
    07 08 01 00                   # local_addr_used, local_addr_max, csum_enabled, 8-bit hole
    09000000                      # retransmits
    0a00000000000000 0b00000000000000 0c00000000000000 0d00000000000000   # bytes retrans/sent/received/acked
    0e 0f 0000                    # subflows_total, endp_laminar_max, reserved
    10000000 11000000 12000000    # last data sent/recv, last ack recv (ms)`);

  it('reads the whole 6.18 struct', () => {
    assert.deepEqual(decodeMptcpInfo(full), {
      size: 96, subflows: 1, addAddrSignal: 2, addAddrAccepted: 3, subflowsMax: 4, addAddrSignalMax: 5, addAddrAcceptedMax: 6,
      flags: 3, token: 0xa1b2c3d4, writeSeq: 0x1111111111111111n, sndUna: 0x2222222222222222n, rcvNxt: 0x3333333333333333n,
      localAddrUsed: 7, localAddrMax: 8, csumEnabled: 1, retransmits: 9,
      bytesRetrans: 10n, bytesSent: 11n, bytesReceived: 12n, bytesAcked: 13n,
      subflowsTotal: 14, endpLaminarMax: 15, lastDataSent: 16, lastDataRecv: 17, lastAckRecv: 18,
    });
  });

  const truncations = [
    { size: 40, name: '5.9 (through rcv_nxt)', last: 'rcvNxt', absent: 'localAddrUsed' },
    { size: 43, name: '5.14 (through csum_enabled)', last: 'csumEnabled', absent: 'retransmits' },
    { size: 80, name: '6.5 (through bytes_acked)', last: 'bytesAcked', absent: 'subflowsTotal' },
    { size: 14, name: 'cut inside token: token is not read', last: 'flags', absent: 'token' },
    { size: 0, name: 'empty', last: undefined, absent: 'subflows' },
  ] as const;
  for (const t of truncations) {
    it(`a shorter struct, ${t.name}, is decoded as far as it goes`, () => {
      const info = decodeMptcpInfo(full.subarray(0, t.size));
      assert.equal(info.size, t.size);
      if (t.last) assert.notEqual(info[t.last], undefined);
      assert.equal(info[t.absent], undefined);
      assert.equal(info.lastAckRecv, undefined);
    });
  }

  it('a longer struct keeps the bytes it does not know', () => {
    const info = decodeMptcpInfo(Buffer.concat([full, hex('aabbccdd')]));
    assert.equal(info.lastAckRecv, 18);
    assert.equal(toHex(info.trailing!), 'aabbccdd');
  });

  it('names flag bits as ss does, and keeps unknown bits in the number only', () => {
    assert.deepEqual(mptcpInfoFlagNames(0x3), ['fallback', 'remote_key']);
    assert.deepEqual(mptcpInfoFlagNames(0x82), ['remote_key']);
  });
});

describe('stateName', () => {
  it('uses the names ss prints', () => {
    assert.deepEqual([1, 2, 3, 6, 7, 10, 12, 99].map(stateName), ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'TIME-WAIT', 'UNCONN', 'LISTEN', 'NEW-SYN-RECV', 'UNKNOWN-99']);
  });
});

/** Decodes one pinned reply message (header included). */
function pinned(message: Buffer): InetDiagSocket {
  const [msg] = decodeMessages(message);
  assert.equal(msg!.type, 20);
  return decodeInetDiagMessage(msg!.payload);
}

describe('pinned replies of Linux 6.18 (see fixtures/inet-diag-captures.ts)', () => {
  it('client connection: addresses, token and mptcp_info as ss showed them', () => {
    const c = toConnection(pinned(captured.clientConnection4));
    assert.deepEqual(
      [c.family, c.state, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.token.toString(16)],
      [AF_INET, 'ESTAB', '10.1.0.1', 33548, '10.1.0.2', 5000, '124cd9c7'],
    );
    assert.deepEqual(
      [c.extraSubflows, c.subflows, c.subflowsMax, c.addAddrAcceptedMax, c.flagNames, c.infoSize, c.endpLaminarMax],
      [1, 2, 2, 2, ['remote_key'], 96, 0],
    );
    assert.deepEqual([c.localAddrUsed, c.localAddrMax, c.csumEnabled, c.bytesSent, c.bytesReceived], [2, 2, false, 5n, 5n]);
    // The shutdown, mark, cgroup and sockopt attributes are decoded, so nothing is left unknown.
    assert.deepEqual(c.unknown, []);
  });

  it('server connection: the peer of the client, with the sequence numbers ss printed', () => {
    const c = toConnection(pinned(captured.serverConnection4));
    assert.equal(c.token.toString(16), '219df21e');
    assert.deepEqual([c.writeSeq.toString(16), c.sndUna.toString(16), c.rcvNxt.toString(16)], ['d52b941a3fa19518', 'd52b941a3fa19518', 'bb23f3ba084941e0']);
    assert.deepEqual([c.localAddress, c.localPort, c.remoteAddress, c.remotePort], ['10.1.0.2', 5000, '10.1.0.1', 33548]);
    assert.equal(c.subflows, 2);
  });

  it('listeners: token 0, no subflows, the accept backlog as Send-Q, SKV6ONLY on IPv6', () => {
    const l4 = toConnection(pinned(captured.listener4));
    assert.deepEqual([l4.state, l4.localAddress, l4.localPort, l4.remoteAddress, l4.token, l4.subflows, l4.sendQ], ['LISTEN', '10.1.0.2', 5000, '0.0.0.0', 0, 0, 4096]);
    const raw6 = pinned(captured.listener6);
    assert.equal(raw6.skv6only, 0);
    const l6 = toConnection(raw6);
    assert.deepEqual([l6.family, l6.state, l6.localAddress, l6.localPort, l6.remoteAddress], [AF_INET6, 'LISTEN', '2001:db8:1::2', 5001, '::']);
  });

  it('subflows: tokens, ids, flags and sequence numbers match `ss -tiO`', () => {
    const join = toSubflow(pinned(captured.joinSubflow4))!;
    const first = toSubflow(pinned(captured.initialSubflow4))!;
    const seen = [join, first].map((s) => ({
      local: `${s.localAddress}:${s.localPort}`,
      bound: s.ifindex !== 0,
      token: `${s.remoteToken.toString(16)}(id:${s.remoteId})/${s.token.toString(16)}(id:${s.localId})`,
      flags: s.flagNames.join(','),
      seq: s.mapSeq.toString(16),
      sfseq: s.mapSfseq,
      ssnoff: s.ssnOffset.toString(16),
      maplen: s.mapDatalen,
      backup: s.backup,
    }));
    assert.deepEqual(seen, [
      { local: '10.2.0.1:35085', bound: true, token: '219df21e(id:0)/124cd9c7(id:1)', flags: 'join_rem,join_loc,fully_established,connected', seq: 'd52b941a3fa19513', sfseq: 0, ssnoff: '3f2a9e6d', maplen: 0, backup: false },
      { local: '10.1.0.1:33548', bound: false, token: '0(id:0)/124cd9c7(id:0)', flags: 'mcap_rem,mcap_loc,fully_established,connected', seq: 'd52b941a3fa19513', sfseq: 1, ssnoff: '13b71e05', maplen: 5, backup: false },
    ]);
  });

  it('a TCP listener under an MPTCP listener has the ULP name only, and is not a subflow', () => {
    const raw = pinned(captured.tcpListener6);
    assert.equal(raw.ulp?.name, 'mptcp');
    assert.equal(raw.ulp?.mptcp, undefined);
    assert.equal(toSubflow(raw), undefined);
  });

  it('the side of each end comes from the initial subflow', () => {
    const client = assignSides([toConnection(pinned(captured.clientConnection4))], [toSubflow(pinned(captured.initialSubflow4))!]);
    assert.deepEqual(client.map((c) => [c.side, c.sideEvidence]), [['client', 'initial-subflow']]);
  });

  it('the DONE message ends the dump with error 0', () => {
    const [done] = decodeMessages(captured.done);
    assert.deepEqual([done!.type, done!.payload.readInt32LE(0)], [3, 0]);
  });
});

describe('toSubflow', () => {
  const ulp = (name: string, withNest: boolean) => {
    const w = new AttributeWriter().beginNest(InetDiagAttr.ULP_INFO).string(1, name);
    if (withNest) w.beginNest(3).u32(2, 0x1234).u32(8, 0x30).u8(10, 4).u8(9, 2).endNest();
    return w.endNest().toBuffer();
  };
  it('takes only sockets whose ULP is "mptcp" with the MPTCP nest', () => {
    assert.equal(toSubflow(decodeInetDiagMessage(diagMsg({}))), undefined);
    assert.equal(toSubflow(decodeInetDiagMessage(diagMsg({}, ulp('tls', true)))), undefined);
    assert.equal(toSubflow(decodeInetDiagMessage(diagMsg({ state: 10 }, ulp('mptcp', false)))), undefined);
    const s = toSubflow(decodeInetDiagMessage(diagMsg({}, ulp('mptcp', true))))!;
    assert.deepEqual(
      [s.token, s.localId, s.remoteId, s.flagNames, s.backup, s.backupLocal, s.backupRemote, s.mapSeq],
      [0x1234, 4, 2, ['bkup_rem', 'bkup_loc'], true, true, true, 0n],
    );
  });
  it('keeps unknown flag bits in the number', () => {
    const attrs = new AttributeWriter().beginNest(InetDiagAttr.ULP_INFO).string(1, 'mptcp').beginNest(3).u32(8, 0x10010).endNest().endNest().toBuffer();
    const s = toSubflow(decodeInetDiagMessage(diagMsg({}, attrs)))!;
    assert.deepEqual([s.flags, s.flagNames, s.backupRemote, s.backupLocal], [0x10010, ['bkup_rem'], true, false]);
  });
});

describe('assignSides', () => {
  const conn = (o: Partial<ConnectionWithoutSide>): ConnectionWithoutSide => ({
    ...toConnection(decodeInetDiagMessage(diagMsg({}))),
    ...o,
  });
  const sub = (token: number, flags: number) => {
    const attrs = new AttributeWriter().beginNest(InetDiagAttr.ULP_INFO).string(1, 'mptcp').beginNest(3).u32(2, token).u32(8, flags).endNest().endNest().toBuffer();
    return toSubflow(decodeInetDiagMessage(diagMsg({}, attrs)))!;
  };
  const cases = [
    { name: 'a listener is the server', c: conn({ stateId: 10, state: 'LISTEN' }), subs: [], want: ['server', 'listening'] },
    { name: 'mcap_loc on the initial subflow: this end sent MP_CAPABLE in its SYN', c: conn({ token: 5 }), subs: [sub(5, 0xc3)], want: ['client', 'initial-subflow'] },
    { name: 'mcap_loc also survives a fallback to TCP (flags "mc")', c: conn({ token: 5 }), subs: [sub(5, 0x82)], want: ['client', 'initial-subflow'] },
    { name: 'mcap_rem alone: this end accepted', c: conn({ token: 5 }), subs: [sub(5, 0xc1)], want: ['server', 'initial-subflow'] },
    { name: 'a join subflow says nothing', c: conn({ token: 5, localPort: 40000 }), subs: [sub(5, 0xcc)], want: ['client', 'no-listener'] },
    { name: 'another token\'s initial subflow says nothing', c: conn({ token: 5 }), subs: [sub(6, 0xc1)], want: ['client', 'no-listener'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [out] = assignSides([c.c], c.subs);
      assert.deepEqual([out!.side, out!.sideEvidence], c.want);
    });
  }
  it('without an initial subflow, an MPTCP listener on the local port means accepted', () => {
    const listeners = [
      conn({ stateId: 10, state: 'LISTEN', localAddress: '0.0.0.0', localPort: 80 }),
      conn({ stateId: 10, state: 'LISTEN', family: AF_INET6, localAddress: '::ffff:10.0.0.1', localPort: 81 }),
      conn({ stateId: 10, state: 'LISTEN', localAddress: '10.0.0.9', localPort: 82 }),
    ];
    const accepted = [80, 81, 82].map((port) => conn({ token: port, localAddress: '10.0.0.1', localPort: port }));
    const out = assignSides([...listeners, ...accepted], []).slice(3);
    assert.deepEqual(out.map((c) => [c.side, c.sideEvidence]), [['server', 'listener-port'], ['server', 'listener-port'], ['client', 'no-listener']]);
  });
});
