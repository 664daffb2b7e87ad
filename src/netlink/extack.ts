/**
 * Decoding of NLMSG_ERROR / NLMSG_DONE payloads with the extended ACK (pure).
 *
 * NLMSG_ERROR: s32 error, the echoed request (header only when NLM_F_CAPPED), then TLVs when
 * NLM_F_ACK_TLVS. NLMSG_DONE of a dump: s32 error, then TLVs when NLM_F_ACK_TLVS.
 */
import { decodeAttributeSet, defineAttributeSet, ofKind } from './attrset.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_HDRLEN, NetlinkDecodeError, align4 } from './message.js';
import { readI32LE, readU32LE, subarrayOf } from '../util/bytes.js';

/** NLMSGERR_ATTR_*: the extended ACK's attributes (cookie and policy are not needed to explain an error). */
const extackSet = defineAttributeSet('nlmsgerr-attr', [
  { id: 1, name: 'msg', kind: 'string' },
  ...ofKind('u32', { offs: 2, 'miss-type': 5, 'miss-nest': 6 }),
]);

export interface ExtendedAck {
  /** 0 for an ACK, otherwise a negative errno. */
  error: number;
  /** Sequence number of the request the error answers (from the echoed header). */
  requestSeq?: number;
  message?: string;
  /** Offset of the offending attribute from the start of the request's nlmsghdr. */
  offset?: number;
  missingType?: number;
  /** Offset of the nest that misses `missingType`; absent means top level. */
  missingNestOffset?: number;
}

/** Decodes the payload of an NLMSG_ERROR message with header flags `flags`. */
export function decodeErrorPayload(payload: Buffer, flags: number): ExtendedAck {
  if (payload.length < 4) throw new NetlinkDecodeError(`NLMSG_ERROR payload of ${payload.length} bytes`);
  const ack: ExtendedAck = { error: readI32LE(payload, 0) };
  if (payload.length < 4 + NLMSG_HDRLEN) return ack;
  ack.requestSeq = readU32LE(payload, 4 + 8);
  if (!(flags & NLM_F_ACK_TLVS)) return ack;
  const echoedLength = flags & NLM_F_CAPPED ? NLMSG_HDRLEN : readU32LE(payload, 4);
  // Checked before aligning: align4 works in 32-bit signed arithmetic, so a lying length near
  // 2^31 or 2^32 would wrap to a small or negative start and the echoed header be read as TLVs.
  if (echoedLength > payload.length - 4) {
    throw new NetlinkDecodeError(`NLMSG_ERROR echoed request runs past the payload (${echoedLength} bytes in ${payload.length})`);
  }
  if (echoedLength < NLMSG_HDRLEN) throw new NetlinkDecodeError(`NLMSG_ERROR echoed request of ${echoedLength} bytes is shorter than its header`);
  const tlvStart = 4 + align4(echoedLength);
  if (tlvStart > payload.length) throw new NetlinkDecodeError('NLMSG_ERROR echoed request runs past the payload');
  readTlvs(subarrayOf(payload, tlvStart), ack);
  return ack;
}

/** Decodes the payload of the NLMSG_DONE that ends a dump. */
export function decodeDonePayload(payload: Buffer, flags: number): ExtendedAck {
  // A DONE may carry no error at all (some families send an empty payload).
  const ack: ExtendedAck = { error: payload.length >= 4 ? readI32LE(payload, 0) : 0 };
  if (flags & NLM_F_ACK_TLVS && payload.length > 4) readTlvs(subarrayOf(payload, 4), ack);
  return ack;
}

function readTlvs(tlvs: Buffer, ack: ExtendedAck): void {
  const v = decodeAttributeSet(extackSet, tlvs).values;
  const message = v.get('msg') as string | undefined;
  const offset = v.get('offs') as number | undefined;
  const missingType = v.get('miss-type') as number | undefined;
  const missingNestOffset = v.get('miss-nest') as number | undefined;
  if (message !== undefined) ack.message = message;
  if (offset !== undefined) ack.offset = offset;
  if (missingType !== undefined) ack.missingType = missingType;
  if (missingNestOffset !== undefined) ack.missingNestOffset = missingNestOffset;
}
