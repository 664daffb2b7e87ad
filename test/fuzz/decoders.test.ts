/**
 * Decoder fuzzing: random, truncated, mutated and length-lying netlink bytes fed to every decoder
 * (messages, attributes of every set, extack, nlctrl, mptcp_pm replies and events, inet_diag,
 * mptcp_info, rtnetlink links) and on through the renderers. Properties, for every case:
 *   - the only error is a typed NetlinkDecodeError; anything else (TypeError, RangeError from an
 *     out-of-range read, a stack overflow) fails the test;
 *   - every decoder returns (no loop runs for ever: each step consumes at least 4 bytes);
 *   - what comes out is bounded by what went in (no amplification: at most one attribute per 4
 *     bytes, rendered text within a fixed factor of the input).
 * Length lies: nlmsg_len and nla_len too short, too long, zero, misaligned, near 2^16/2^31/2^32;
 * nests thousands deep; unknown types; echoed-request lengths that wrap.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attributePathAt, decodeAttributeSet, type AttributeSetSpec, type DecodedAttributes } from '../../src/netlink/attrset.js';
import { decodeDonePayload, decodeErrorPayload } from '../../src/netlink/extack.js';
import { decodeFamily, kernelError } from '../../src/netlink/genl.js';
import {
  align4,
  decodeAttributes,
  decodeGenlMessageAt,
  decodeMessages,
  encodeGenlMessage,
  encodeMessage,
  NLA_F_NESTED,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  NetlinkDecodeError,
} from '../../src/netlink/message.js';
import { decodeLinks } from '../../src/netlink/rtnl.js';
import { decodeLinkStates } from '../../src/netlink/rtnl-link.js';
import { decodeRouteReply } from '../../src/netlink/rtnl-route.js';
import { decodeEndpointReply, decodeEvent, decodeLimitsReply, encodeRequest } from '../../src/mptcp/codec.js';
import { addressSet, attrSet, endpointSet, eventAttrSet, requestSetOf } from '../../src/families/mptcp-pm.js';
import { decodeInetDiagMessage } from '../../src/diag/inet-diag.js';
import { inetDiagAttrSet, subflowAttrSet, ulpInfoSet } from '../../src/families/sock-diag.js';
import { decodeMptcpInfo } from '../../src/diag/mptcp-info.js';
import { assignSides, toConnection, toSubflow } from '../../src/diag/records.js';
import { endpointsJson, endpointsText } from '../../src/cli/output/records/endpoint.js';
import { eventText } from '../../src/cli/output/records/event-text.js';
import { eventJsonLine } from '../../src/cli/output/records/event-json.js';
import { connectionsJson, connectionsText, subflowsJson, subflowsText } from '../../src/cli/output/records/connection.js';
import { limitsJson, limitsText } from '../../src/cli/output/records/limits.js';
import * as captured from '../unit/fixtures/inet-diag-captures.js';
import { CaseCounter, fuzzParameters, withoutStackTraces } from '../helpers/fuzz.js';

const counter = new CaseCounter();

/** Runs `fn`; a NetlinkDecodeError is an allowed outcome, anything else is a finding. */
function typed<T>(what: string, input: Buffer, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NetlinkDecodeError) return undefined;
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    assert.fail(`${what} threw ${detail} on ${input.length} bytes: ${input.toString('hex').slice(0, 600)}`);
  }
}

const names = new Map([[1, 'lo'], [2, 'eth0']]);

/** Every attribute count and every text is bounded by the input size. */
function checkAttributes(decoded: DecodedAttributes, input: Buffer): void {
  assert.ok(decoded.values.size + decoded.unknown.length <= Math.floor(input.length / 4) + 1, 'more attributes than 4-byte slots');
  for (const raw of decoded.unknown) assert.ok(raw.offset + 4 + raw.data.length <= input.length, 'an attribute reaches past its buffer');
}

const sets: AttributeSetSpec[] = [attrSet, endpointSet, addressSet, eventAttrSet, subflowAttrSet, inetDiagAttrSet, ulpInfoSet];

/** Every decoder that reads attribute bytes (a reply after its genl header, a nest, an event). */
function decodeAsAttributes(buf: Buffer, cmd: number): void {
  const raw = typed('decodeAttributes', buf, () => decodeAttributes(buf));
  if (raw) {
    assert.ok(raw.length <= Math.floor(buf.length / 4), 'more attributes than 4-byte slots');
    for (const a of raw) assert.ok(a.offset + 4 + a.data.length <= buf.length);
  }
  for (const set of sets) {
    const d = typed(`decodeAttributeSet(${set.name})`, buf, () => decodeAttributeSet(set, buf));
    if (d) checkAttributes(d, buf);
  }
  const endpoint = typed('decodeEndpointReply', buf, () => decodeEndpointReply(buf));
  if (endpoint) {
    const text = typed('endpointsText', buf, () => endpointsText([endpoint], names, cmd % 2 === 0));
    const json = typed('endpointsJson', buf, () => endpointsJson([endpoint], names, cmd % 3 === 0));
    assert.ok((text?.length ?? 0) + (json?.length ?? 0) <= 64 * buf.length + 4096, 'rendered endpoint out of proportion');
  }
  const limits = typed('decodeLimitsReply', buf, () => decodeLimitsReply(buf));
  if (limits) {
    typed('limitsText', buf, () => limitsText(limits));
    typed('limitsJson', buf, () => limitsJson(limits, true));
  }
  const event = typed('decodeEvent', buf, () => decodeEvent(cmd, buf));
  if (event) {
    const text = typed('eventText', buf, () => eventText(event, { names, color: cmd % 2 === 1, human: cmd % 3 === 1, timestamp: 1_700_000_000_000_000 }));
    const json = typed('eventJsonLine', buf, () => eventJsonLine(event, { names }));
    assert.ok((text?.length ?? 0) + (json?.length ?? 0) <= 64 * buf.length + 4096, 'rendered event out of proportion');
    assert.ok(!text || (text.endsWith('\n') && text.indexOf('\n') === text.length - 1), 'an event is one line');
  }
  typed('decodeFamily', buf, () => decodeFamily(buf));
  typed('decodeMptcpInfo', buf, () => decodeMptcpInfo(buf));
  typed('decodeLinks', buf, () => decodeLinks([buf]));
  typed('decodeLinkStates', buf, () => decodeLinkStates([buf]));
  typed('decodeRouteReply', buf, () => decodeRouteReply(buf));
  for (const target of [0, 4, 20, 24, 28, buf.length, buf.length + 20, 0xffffffff]) {
    typed('attributePathAt', buf, () => attributePathAt(attrSet, buf, 20, target));
  }
}

/** The decoders of a whole netlink payload (after nlmsghdr). */
function decodeAsPayload(payload: Buffer, flags: number, cmd: number): void {
  const ack = typed('decodeErrorPayload', payload, () => decodeErrorPayload(payload, flags));
  if (ack) {
    assert.ok(Number.isInteger(ack.error));
    // An extack offset from the kernel is mapped onto the request that was sent: any value must be safe.
    const req = encodeRequest.subflowCreate(1, { address: '10.2.0.1', id: 12 }, { address: '10.2.0.2', port: 5002 });
    const sent = encodeGenlMessage({ type: 0x1c, flags: 5, seq: 1, pid: 0 }, req.cmd, 1, req.attributes);
    const err = typed('kernelError', payload, () =>
      kernelError({ ...ack, error: ack.error || -22 }, { familyId: 0x1c, cmd: req.cmd, version: 1, attributes: req.attributes, operation: 'SUBFLOW_CREATE', attributeSet: requestSetOf(req.cmd) }, sent),
    );
    if (err) assert.ok(err.message.length < 4096 + (ack.message?.length ?? 0));
  }
  typed('decodeDonePayload', payload, () => decodeDonePayload(payload, flags));
  const socket = typed('decodeInetDiagMessage', payload, () => decodeInetDiagMessage(payload));
  if (socket) {
    const connection = typed('toConnection', payload, () => toConnection(socket));
    const subflow = typed('toSubflow', payload, () => toSubflow(socket));
    if (connection) {
      const [c] = assignSides([connection], subflow ? [subflow] : []);
      typed('connectionsText', payload, () => connectionsText([c!]));
      typed('connectionsJson', payload, () => connectionsJson([c!], false));
    }
    if (subflow) {
      typed('subflowsText', payload, () => subflowsText([subflow]));
      typed('subflowsJson', payload, () => subflowsJson([subflow], true));
    }
  }
  if (payload.length >= 4) decodeAsAttributes(payload.subarray(4), cmd);
  decodeAsAttributes(payload, cmd);
}

/** A datagram as the exchange and event paths see it. */
function decodeDatagram(datagram: Buffer): void {
  const messages = typed('decodeMessages', datagram, () => decodeMessages(datagram));
  if (!messages) return;
  assert.ok(messages.length <= Math.floor(datagram.length / 16), 'more messages than 16-byte headers');
  for (const m of messages) {
    assert.ok(m.offset + 16 + m.payload.length <= datagram.length, 'a message reaches past the datagram');
    typed('decodeGenlMessageAt', datagram, () => decodeGenlMessageAt(datagram, m.offset, 16 + m.payload.length));
    decodeAsPayload(m.payload, m.flags, m.payload[0] ?? 0);
  }
}

// ---- seeds: well-formed bytes of every kind ----------------------------------------------------

const PORT_ID = 0x110b;
const genlMessage = (cmd: number, attributes: Buffer, flags = 0, seq = 7): Buffer =>
  encodeGenlMessage({ type: 0x1c, flags, seq, pid: PORT_ID }, cmd, 1, attributes);

const requests = [
  encodeRequest.addEndpoint({ address: '10.0.1.3', id: 3, port: 10100, flags: 5, ifindex: 2 }),
  encodeRequest.addEndpoint({ address: '2001:db8::1', flags: 2 }),
  encodeRequest.deleteEndpoint(0, '10.0.0.1'),
  encodeRequest.getEndpoint(7, 0xdeadbeef),
  encodeRequest.listEndpoints(),
  encodeRequest.setLimits({ subflows: 8, addAddrAccepted: 8 }),
  encodeRequest.setFlags({ address: '10.0.0.1', port: 1, flags: 4 }, 1, { address: '10.0.0.2', port: 2 }),
  encodeRequest.announce(0x1234, { address: '10.0.0.9', id: 9, flags: 1, port: 80 }),
  encodeRequest.remove(0x1234, 9),
  encodeRequest.subflowCreate(0x1234, { address: '10.0.0.9', id: 9 }, { address: '10.0.0.8', port: 80 }),
  encodeRequest.subflowDestroy(0x1234, { address: '::ffff:10.0.0.9', port: 1 }, { address: '10.0.0.8', port: 80 }),
];

function errorAck(error: number, tlvs: Buffer, capped: boolean): Buffer {
  const echoed = genlMessage(1, requests[0]!.attributes, 5);
  const echo = capped ? echoed.subarray(0, 16) : echoed;
  const payload = Buffer.concat([Buffer.alloc(4), echo, tlvs]);
  payload.writeInt32LE(error, 0);
  return encodeMessage({ type: NLMSG_ERROR, flags: NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0), seq: 7, pid: PORT_ID }, payload);
}

const extackTlvs = Buffer.from('1200 0100 696e76616c696420746f6b656e00 0000 0800 0200 1c000000 0800 0500 04000000 0800 0600 18000000'.replace(/ /g, ''), 'hex');

const seeds: Buffer[] = [
  ...requests.map((r) => genlMessage(r.cmd, r.attributes, NLM_F_MULTI)),
  // replies and events as the kernel sends them (attribute orders of kernel-mptcp-pm.md)
  genlMessage(3, Buffer.from('2c000180 06000100 02000000 06000500 74270000 05000200 03000000 08000600 05000000 08000300 0a000103'.replace(/ /g, ''), 'hex'), NLM_F_MULTI),
  genlMessage(6, Buffer.from('08000200 02000000 08000300 08000000'.replace(/ /g, ''), 'hex')),
  genlMessage(1, Buffer.from('08000100 fa8f8bf7 06000d00 03000000 06000200 02000000 08000500 0a000101 08000700 0a000102 06000900 c3520000 06000a00 8f700000 05000300 00000000 05000400 00000000'.replace(/ /g, ''), 'hex')),
  genlMessage(11, Buffer.from('08000100 f5bfd914 06000200 0a000000 14000600 20010db8000000000000000000000001 14000800 20010db8000000000000000000000002 05000c00 6f000000 08000f00 02000000 08001000 01000000 08001100 01000000 08006300 01020304'.replace(/ /g, ''), 'hex')),
  errorAck(-22, extackTlvs, true),
  errorAck(-1, Buffer.alloc(0), false),
  errorAck(0, Buffer.alloc(0), true),
  encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI | NLM_F_ACK_TLVS, seq: 7, pid: PORT_ID }, Buffer.concat([Buffer.from('eaffffff', 'hex'), extackTlvs])),
  encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI | NLM_F_DUMP_INTR, seq: 7, pid: PORT_ID }, Buffer.alloc(4)),
  // nlctrl's description of mptcp_pm
  encodeGenlMessage(
    { type: 0x10, flags: 0, seq: 7, pid: PORT_ID },
    1,
    2,
    Buffer.from(
      '0d000200 6d707463705f706d 00000000 06000100 1c000000 08000300 01000000 2c000600 14000100 08000100 01000000 08000200 1a000000 14000200 08000100 03000000 08000200 0e000000 24000700 20000100 08000200 09000000 14000100 6d707463705f706d5f6576656e747300'.replace(/ /g, ''),
      'hex',
    ),
  ),
  // rtnetlink link: ifinfomsg + IFLA_IFNAME
  encodeMessage({ type: 16, flags: NLM_F_MULTI, seq: 7, pid: PORT_ID }, Buffer.concat([Buffer.from('00000100 02000000 43100100 00000000'.replace(/ /g, ''), 'hex'), Buffer.from('09000300 65746830 00000000'.replace(/ /g, ''), 'hex')])),
  // real inet_diag replies (MPTCP connections and TCP subflows, both families)
  captured.clientConnection4,
  captured.serverConnection4,
  captured.listener4,
  captured.listener6,
  captured.joinSubflow4,
  captured.initialSubflow4,
  captured.tcpListener6,
  captured.done,
];

// ---- mutations ---------------------------------------------------------------------------------

/** Values that make length fields lie: zero, below a header, off by one, misaligned, huge, wrapping. */
const lyingLength = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 20, 0xff, 0x100, 0xfffc, 0xfffd, 0xffff, 0x10000, 0x7ffffffc, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);

type Mutation = (b: Buffer, n: number, v: number) => Buffer;
const mutate: Record<string, Mutation> = {
  flipBit: (b, n) => {
    const c = Buffer.from(b);
    if (c.length) c[n % c.length]! ^= 1 << (n % 8);
    return c;
  },
  setByte: (b, n, v) => {
    const c = Buffer.from(b);
    if (c.length) c[n % c.length] = v & 0xff;
    return c;
  },
  truncate: (b, n) => b.subarray(0, n % (b.length + 1)),
  dropHead: (b, n) => b.subarray(n % (b.length + 1)),
  extend: (b, n, v) => Buffer.concat([b, Buffer.alloc(n % 64, v & 0xff)]),
  /** nla_len (u16) at a 4-aligned offset: where attribute headers sit. */
  lieAttrLength: (b, n, v) => {
    const c = Buffer.from(b);
    if (c.length >= 2) c.writeUInt16LE(v & 0xffff, (((n % c.length) >> 2) << 2) % (c.length - 1));
    return c;
  },
  /** nlmsg_len (u32) of the first message, or any 4-aligned u32. */
  lieMessageLength: (b, n, v) => {
    const c = Buffer.from(b);
    if (c.length >= 4) c.writeUInt32LE(v >>> 0, n % 2 === 0 ? 0 : Math.min(c.length - 4, ((n % c.length) >> 2) << 2));
    return c;
  },
  /** An attribute type: unknown ids, the NESTED and BYTEORDER bits. */
  setType: (b, n, v) => {
    const c = Buffer.from(b);
    if (c.length >= 4) c.writeUInt16LE(v & 0xffff, Math.min(c.length - 2, ((((n % c.length) >> 2) << 2) + 2)));
    return c;
  },
  duplicate: (b, n) => {
    const cut = n % (b.length + 1);
    return Buffer.concat([b.subarray(0, cut), b.subarray(0, cut), b.subarray(cut)]);
  },
  misalign: (b, n) => Buffer.concat([Buffer.alloc((n % 3) + 1), b]),
};
const mutationNames = Object.keys(mutate);

const mutatedSeed = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.constantFrom(...mutationNames), fc.nat(), lyingLength), { minLength: 1, maxLength: 6 }))
  .map(([seed, ops]) => ops.reduce((b, [name, n, v]) => mutate[name]!(b, n, v), seed));

/** Well-formed TLV streams of random shape: known and unknown types, nests (flagged or not), any payload size. */
const tlvTree: fc.Arbitrary<Buffer> = fc.letrec<{ tree: Buffer; attr: Buffer }>((tie) => ({
  tree: fc.array(tie('attr'), { maxLength: 5 }).map((attrs) => Buffer.concat(attrs)),
  attr: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.integer({ min: 0, max: 24 }), fc.uint8Array({ maxLength: 24 })).map(([type, data]) => tlv(type, Buffer.from(data))),
    fc.tuple(fc.integer({ min: 0, max: 24 }), fc.boolean(), tie('tree')).map(([type, flagged, inner]) => tlv(type | (flagged ? NLA_F_NESTED : 0), inner)),
  ),
})).tree;

function tlv(type: number, data: Buffer): Buffer {
  const out = Buffer.alloc(align4(4 + data.length));
  out.writeUInt16LE(Math.min(4 + data.length, 0xffff), 0);
  out.writeUInt16LE(type, 2);
  data.copy(out, 4);
  return out;
}

/** A chain of `depth` nests, each holding the next (the deepest TLV nesting a datagram can hold). */
function deepNest(depth: number, type: number): Buffer {
  const out = Buffer.alloc(depth * 4);
  for (let i = 0; i < depth; i++) {
    out.writeUInt16LE((depth - i) * 4, i * 4);
    out.writeUInt16LE(type | NLA_F_NESTED, i * 4 + 2);
  }
  return out;
}

// ---- the tests ------------------------------------------------------------------------------

describe('decoder fuzzing', () => {
  withoutStackTraces();
  after(() => {
    process.stdout.write(`# decoder fuzz cases: ${counter.summary()}\n`);
  });

  it('the seeds decode cleanly (the mutations start from real bytes)', () => {
    for (const seed of seeds) {
      assert.ok(decodeMessages(seed).length >= 1);
      decodeDatagram(seed);
    }
    counter.add('seeds', seeds.length);
  });

  it('mutated real messages (bit flips, bytes, truncation, lying nlmsg_len/nla_len, types, duplication, misalignment)', () => {
    fc.assert(
      fc.property(mutatedSeed, (datagram) => {
        counter.add('mutated messages');
        decodeDatagram(datagram);
      }),
      fuzzParameters(40_000),
    );
  });

  it('several messages per datagram, some mutated', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...seeds), mutatedSeed), { minLength: 2, maxLength: 5 }), (parts) => {
        counter.add('multi-message datagrams');
        decodeDatagram(Buffer.concat(parts));
      }),
      fuzzParameters(10_000),
    );
  });

  it('random TLV trees (known and unknown types, nests with and without NLA_F_NESTED), then mutated', () => {
    fc.assert(
      fc.property(tlvTree, fc.array(fc.tuple(fc.constantFrom(...mutationNames), fc.nat(), lyingLength), { maxLength: 3 }), fc.integer({ min: 0, max: 20 }), (tree, ops, cmd) => {
        counter.add('TLV trees');
        const buf = ops.reduce((b, [name, n, v]) => mutate[name]!(b, n, v), tree);
        decodeAsAttributes(buf, cmd);
        decodeDatagram(genlMessage(cmd, buf));
      }),
      fuzzParameters(20_000),
    );
  });

  it('random bytes of any length, as datagrams, payloads and attributes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 0xffff }), (bytes, flags) => {
        counter.add('random bytes');
        const buf = Buffer.from(bytes);
        decodeDatagram(buf);
        decodeAsPayload(buf, flags, flags & 0xff);
      }),
      fuzzParameters(20_000),
    );
  });

  it('error and done payloads: any error number, flags, echoed lengths (including ones that wrap 32-bit arithmetic)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), lyingLength, fc.integer({ min: 0, max: 0xffff }), tlvTree, (error, echoedLength, flags, tlvs) => {
        counter.add('extack payloads');
        const payload = Buffer.concat([Buffer.alloc(20), tlvs]);
        payload.writeInt32LE(error, 0);
        payload.writeUInt32LE(echoedLength >>> 0, 4);
        const ack = typed('decodeErrorPayload', payload, () => decodeErrorPayload(payload, flags));
        if (ack && flags & NLM_F_ACK_TLVS && !(flags & NLM_F_CAPPED)) {
          // The TLVs start after the echoed request, which must lie inside the payload.
          assert.ok(echoedLength >= 16 && echoedLength <= payload.length - 4, `echoed length ${echoedLength} in ${payload.length} bytes was accepted`);
        }
        typed('decodeDonePayload', payload, () => decodeDonePayload(payload, flags));
      }),
      fuzzParameters(10_000),
    );
  });

  it('nests thousands deep, in every set (no recursion beyond what the spec nests)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16_000 }), fc.integer({ min: 0, max: 24 }), (depth, type) => {
        counter.add('deep nests');
        const buf = deepNest(depth, type);
        decodeAsAttributes(buf, type);
        decodeAsPayload(Buffer.concat([Buffer.alloc(4), buf]), NLM_F_ACK_TLVS, type);
      }),
      fuzzParameters(300),
    );
  });

  it('runs at least 100,000 cases in all', () => {
    if (process.env['FUZZ_SEED'] === undefined && (process.env['FUZZ_SCALE'] ?? '1') === '1') {
      assert.ok(counter.total >= 100_000, counter.summary());
    }
  });
});
