/**
 * The --debug decoder: bytes (the kernel doc's wire examples, and replies built here) -> exact
 * trace lines. test/kernel/debug-trace.test.ts checks the trace against bytes captured with strace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTrace, traceLines } from '../../src/cli/trace/trace.js';
import { traceSchema } from '../../src/cli/trace/schema.js';
import { decodeDatagram, TraceState } from '../../src/netlink/trace-decode.js';
import { AttributeWriter, encodeGenlMessage, encodeMessage, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_ERROR } from '../../src/netlink/message.js';
import { decodePolicyDump, opAccepts } from '../../src/netlink/genl-policy.js';
import { decodeNetlinkDiagMessage, encodeNetlinkDiagRequest } from '../../src/diag/netlink-diag.js';
import { encodeRouteRequest } from '../../src/netlink/rtnl-route.js';
import { decodeAddresses } from '../../src/netlink/rtnl-addr.js';
import { hex } from '../helpers/bytes.js';

const GENERIC = 16;

function lines(datagram: Buffer, direction: 'send' | 'receive', protocol = GENERIC, state = mptcpState()): string[] {
  return decodeDatagram(datagram, protocol, direction, traceSchema, state).flatMap(traceLines);
}

function mptcpState(): TraceState {
  const state = new TraceState();
  state.familyIds.set(0x1c, 'mptcp_pm');
  return state;
}

/** An NLMSG_ERROR answering `seq` (capped), with extack TLVs. */
function errorReply(seq: number, error: number, tlvs: Buffer): Buffer {
  const payload = Buffer.alloc(4 + 16);
  payload.writeInt32LE(error, 0);
  payload.writeUInt32LE(36, 4);
  payload.writeUInt16LE(0x1c, 8);
  payload.writeUInt32LE(seq, 12);
  return encodeMessage({ type: NLMSG_ERROR, flags: NLM_F_CAPPED | NLM_F_ACK_TLVS, seq, pid: 99 }, Buffer.concat([payload, tlvs]));
}

describe('trace of mptcp_pm requests (the kernel doc wire examples)', () => {
  it('ADD_ADDR 10.0.1.3 id 3 port 10100 signal|backup', () => {
    const bytes = hex(`40000000 1c000500 01000000 00000000 | 01010000 | 2c000180
      08000300 0a000103 06000100 02000000 05000200 03000000 06000500 74270000 08000600 05000000`);
    assert.deepEqual(lines(bytes, 'send'), [
      'mptcp_pm ADD_ADDR (cmd 1, version 1): len 64, type 0x1c, flags 0x5 (REQUEST|ACK), seq 1, pid 0',
      '  addr (type 1, nested, len 44)',
      '    addr4 (type 3, len 8) = 167772419 (10.0.1.3)',
      '    family (type 1, len 6) = 2 (AF_INET)',
      '    id (type 2, len 5) = 3',
      '    port (type 5, len 6) = 10100',
      '    flags (type 6, len 8) = 5 (signal|backup)',
    ]);
  });

  it('GET_ADDR dump and SET_LIMITS 8/8', () => {
    assert.deepEqual(lines(hex('14000000 1c000103 01000000 00000000 03010000'), 'send'), [
      'mptcp_pm GET_ADDR (cmd 3, version 1): len 20, type 0x1c, flags 0x301 (REQUEST|ROOT|MATCH), seq 1, pid 0',
    ]);
    assert.deepEqual(lines(hex('24000000 1c000500 02000000 00000000 05010000 08000200 08000000 08000300 08000000'), 'send'), [
      'mptcp_pm SET_LIMITS (cmd 5, version 1): len 36, type 0x1c, flags 0x5 (REQUEST|ACK), seq 2, pid 0',
      '  rcv-add-addrs (type 2, len 8) = 8',
      '  subflows (type 3, len 8) = 8',
    ]);
  });

  it('a token is shown in decimal and as mptcpctl prints it', () => {
    const attrs = new AttributeWriter().u32(4, 0x2a0b3647).u8(5, 7).toBuffer();
    const bytes = encodeGenlMessage({ type: 0x1c, flags: 5, seq: 3, pid: 0 }, 9, 1, attrs);
    assert.deepEqual(lines(bytes, 'send').slice(1), ['  token (type 4, len 8) = 705377863 (token 2a0b3647)', '  loc-id (type 5, len 5) = 7']);
  });

  it('an unknown family and unknown attributes are shown by number, never dropped', () => {
    const attrs = new AttributeWriter().u32(42, 7).beginNest(43).u8(1, 1).endNest().toBuffer();
    const bytes = encodeGenlMessage({ type: 0x33, flags: 1, seq: 4, pid: 0 }, 2, 1, attrs);
    assert.deepEqual(lines(bytes, 'send'), [
      'family 0x33 cmd 2 (cmd 2, version 1): len 40, type 0x33, flags 0x1 (REQUEST), seq 4, pid 0',
      '  #42 (type 42, len 8) = 07000000',
      '  #43 (type 43, nested, len 12)',
      '    #1 (type 1, len 5) = 01',
    ]);
  });
});

describe('trace of replies', () => {
  it('an error names the attribute its offset points at, from the request seen before', () => {
    const state = mptcpState();
    const request = hex('1c000000 1c000500 07000000 00000000 05010000 08000300 09000000');
    lines(request, 'send', GENERIC, state);
    const tlvs = new AttributeWriter().string(1, 'limit greater than maximum (8)').u32(2, 20).toBuffer();
    assert.deepEqual(lines(errorReply(7, -22, tlvs), 'receive', GENERIC, state), [
      'NLMSG_ERROR: len 80, type 0x2, flags 0x300 (CAPPED|ACK_TLVS), seq 7, pid 99',
      '  error -22 (EINVAL)',
      '  request len 36, type 0x1c, flags 0x0, seq 7, pid 0',
      '  extack msg "limit greater than maximum (8)"',
      '  extack offset 20 (subflows)',
    ]);
    assert.equal(state.requests.size, 0, 'an answered request is forgotten');
  });

  it('a missing attribute is named, also inside a nest', () => {
    const state = mptcpState();
    const attrs = new AttributeWriter().u32(4, 1).beginNest(1).u8(2, 5).endNest().toBuffer();
    lines(encodeGenlMessage({ type: 0x1c, flags: 5, seq: 8, pid: 0 }, 8, 1, attrs), 'send', GENERIC, state);
    const tlvs = new AttributeWriter().u32(5, 1).u32(6, 28).toBuffer();
    assert.deepEqual(lines(errorReply(8, -22, tlvs), 'receive', GENERIC, state).slice(3), [
      '  extack missing type 1 (addr.family)',
      '  extack missing in nest at offset 28',
    ]);
  });

  it('nlctrl NEWFAMILY teaches the trace the family id', () => {
    const state = new TraceState();
    const attrs = new AttributeWriter()
      .string(2, 'mptcp_pm')
      .u16(1, 0x1c)
      .beginNest(6)
      .beginNest(1)
      .u32(1, 3)
      .u32(2, 0x0e)
      .endNest()
      .endNest()
      .toBuffer();
    const reply = encodeGenlMessage({ type: 0x10, flags: 0, seq: 1, pid: 5 }, 1, 2, attrs);
    assert.deepEqual(lines(reply, 'receive', GENERIC, state), [
      'nlctrl CTRL_CMD_NEWFAMILY (cmd 1, version 2): len 68, type 0x10, flags 0x0, seq 1, pid 5',
      '  family-name (type 2, len 13) = "mptcp_pm"',
      '  family-id (type 1, len 6) = 28 (0x1c)',
      '  ops (type 6, nested, len 24)',
      '    [1] (type 1, nested, len 20)',
      '      op-id (type 1, len 8) = 3 (mptcp_pm: GET_ADDR)',
      '      op-flags (type 2, len 8) = 14 (DO|DUMP|HASPOL)',
    ]);
    assert.equal(state.familyIds.get(0x1c), 'mptcp_pm');
  });

  it('broken framing is shown raw with the reason', () => {
    assert.deepEqual(lines(hex('ff000000 1c000500'), 'receive'), [
      'type 0: len 8, type 0x0, flags 0x0, seq 0, pid 0',
      '  undecoded ff0000001c000500 (8 trailing bytes after the last netlink message)',
    ]);
  });

  it('createTrace prefixes every line with the direction', () => {
    let out = '';
    const trace = createTrace((t) => (out += t));
    trace('send', hex('14000000 1c000103 01000000 00000000 03010000'), GENERIC);
    assert.equal(out, 'netlink > family 0x1c cmd 3 (cmd 3, version 1): len 20, type 0x1c, flags 0x301 (REQUEST|ROOT|MATCH), seq 1, pid 0\n');
  });
});

describe('trace of rtnetlink and sock_diag', () => {
  it('RTM_NEWADDR with its header and addresses', () => {
    const payload = Buffer.concat([hex('02 18 80 00 03000000'), new AttributeWriter().put(1, Buffer.from([10, 0, 1, 1])).put(2, Buffer.from([10, 0, 1, 1])).string(3, 'veth0').toBuffer()]);
    const bytes = encodeMessage({ type: 20, flags: 2, seq: 9, pid: 1 }, payload);
    assert.deepEqual(lines(bytes, 'receive', 0), [
      'RTM_NEWADDR: len 52, type 0x14, flags 0x2 (MULTI), seq 9, pid 1',
      '  ifaddrmsg family 2 (AF_INET), prefixlen 24, flags 0x80, scope 0, index 3',
      '  address (type 1, len 8) = 0a000101 (10.0.1.1)',
      '  local (type 2, len 8) = 0a000101 (10.0.1.1)',
      '  label (type 3, len 10) = "veth0"',
    ]);
    assert.deepEqual(decodeAddresses([payload]), [{ ifindex: 3, family: 2, address: '10.0.1.1', prefixLength: 24, scope: 0, flags: 0x80 }]);
  });

  it('RTM_GETROUTE as connection explain sends it (rtmsg, dst, src, oif)', () => {
    const request = encodeRouteRequest({ dst: '10.1.0.2', src: '10.2.0.1', oif: 3 }, 7)!;
    assert.deepEqual(lines(request, 'send', 0), [
      'RTM_GETROUTE: len 52, type 0x1a, flags 0x5 (REQUEST|ACK), seq 7, pid 0',
      '  rtmsg family 2 (AF_INET), dst_len 32, src_len 32, tos 0, table 0, protocol 0, scope 0, type 0, flags 0x0',
      '  dst (type 1, len 8) = 0a010002 (10.1.0.2)',
      '  src (type 2, len 8) = 0a020001 (10.2.0.1)',
      '  oif (type 4, len 8) = 3',
    ]);
  });

  it('netlink_diag: the request, and a reply with its groups', () => {
    const request = encodeNetlinkDiagRequest(16, 5);
    assert.deepEqual(lines(request, 'send', 4), [
      'SOCK_DIAG_BY_FAMILY: len 36, type 0x14, flags 0x301 (REQUEST|ROOT|MATCH), seq 5, pid 0',
      '  netlink_diag_req family 16 (AF_NETLINK), protocol 16, ino 0, show 0x2, cookie 0x0',
    ]);
    const msg = Buffer.alloc(28);
    msg[0] = 16;
    msg[2] = 16;
    msg.writeUInt32LE(777, 4);
    msg.writeUInt32LE(1234, 16);
    const payload = Buffer.concat([msg, new AttributeWriter().put(1, hex('00 01 00 00 00 00 00 00')).toBuffer()]);
    assert.deepEqual(decodeNetlinkDiagMessage(payload), { protocol: 16, portId: 777, inode: 1234, groups: [9] });
    assert.deepEqual(lines(encodeMessage({ type: 20, flags: 2, seq: 5, pid: 1 }, payload), 'receive', 4).slice(2), ['  groups (type 1, len 12) = 0001000000000000 (groups 9)']);
  });
});

describe('policy dumps', () => {
  it('finds whether an op accepts an attribute', () => {
    // op 3: do policy 0, dump policy 1; policy 1 has attributes 1 (nested) and 4 (u32).
    const opPolicy = new AttributeWriter().beginNest(9).beginNest(3).u32(1, 0).u32(2, 1).endNest().endNest().toBuffer();
    const policies = new AttributeWriter()
      .beginNest(8)
      .beginNest(1)
      .beginNest(1)
      .u32(1, 13)
      .endNest()
      .beginNest(4)
      .u32(1, 4)
      .endNest()
      .endNest()
      .endNest()
      .toBuffer();
    const policy = decodePolicyDump([opPolicy, policies]);
    assert.equal(opAccepts(policy, 3, 4, 'dump'), true);
    assert.equal(opAccepts(policy, 3, 4, 'do'), false);
    assert.equal(opAccepts(policy, 9, 4), undefined);
    assert.equal(opAccepts(undefined, 3, 4), undefined);
  });
});
