/**
 * The event decoder: one pass over the attributes, each read straight into its field. Events are
 * the one hot path (a monitor may see tens of thousands per second), so this avoids the generic
 * codec's per-attribute map; which field each attribute fills, and how it is read, still comes
 * from the `event-attr` set in spec.ts. Pure.
 */
import { forEachMessage, GENL_HDRLEN, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN, NetlinkDecodeError, type RawAttribute } from '../netlink/message.js';
import { formatIPv6 } from '../util/inet.js';
import type { MptcpEvent } from './records.js';
import { eventAttrSet } from './spec.js';
import type { AttributeKind } from '../netlink/attrset.js';
import { readU16LE, subarrayOf } from '../util/bytes.js';

type EventKey = Exclude<keyof MptcpEvent, 'type' | 'unknown'>;

/** Attribute name in the spec -> the record's field. */
const fieldOf: Record<string, EventKey> = {
  token: 'token',
  family: 'family',
  'loc-id': 'localId',
  'rem-id': 'remoteId',
  saddr4: 'saddr4',
  saddr6: 'saddr6',
  daddr4: 'daddr4',
  daddr6: 'daddr6',
  sport: 'sport',
  dport: 'dport',
  backup: 'backup',
  error: 'error',
  flags: 'flags',
  timeout: 'timeout',
  'if-idx': 'ifindex',
  'reset-reason': 'resetReason',
  'reset-flags': 'resetFlags',
  'server-side': 'serverSide',
};

/** How a value is read; numbers, not closures, so the loop below stays one monomorphic switch. */
const enum Read {
  U8,
  U16,
  U32,
  S32,
  BE16,
  /** `be32` attributes of this set are IPv4 addresses. */
  IPv4,
  /** `binary` attributes of this set are IPv6 addresses. */
  IPv6,
}

/** Bytes each read needs; a shorter attribute is kept raw in `unknown`. */
const sizeOf: Record<Read, number> = { [Read.U8]: 1, [Read.U16]: 2, [Read.U32]: 4, [Read.S32]: 4, [Read.BE16]: 2, [Read.IPv4]: 4, [Read.IPv6]: 16 };

const readOf: Partial<Record<AttributeKind, Read>> = { u8: Read.U8, u16: Read.U16, u32: Read.U32, s32: Read.S32, be16: Read.BE16, be32: Read.IPv4, binary: Read.IPv6 };

/** Attribute type -> field and read, indexed by type for plain array lookups. */
const keys: (EventKey | undefined)[] = [];
const reads: (Read | undefined)[] = [];
for (const spec of eventAttrSet.byId.values()) {
  const read = readOf[spec.kind];
  const key = fieldOf[spec.name];
  if (read === undefined || !key) throw new Error(`event attribute ${spec.name} has no decoder`);
  keys[spec.id] = key;
  reads[spec.id] = read;
}

/** The events in one received datagram: the messages of the family `familyId`, others skipped. */
export function decodeEventDatagram(datagram: Buffer, familyId: number): MptcpEvent[] {
  const events: MptcpEvent[] = [];
  forEachMessage(datagram, (offset, length) => {
    if (readU16LE(datagram, offset + 4) !== familyId) return;
    const attributes = offset + NLMSG_HDRLEN + GENL_HDRLEN;
    if (attributes > offset + length) throw new NetlinkDecodeError(`generic netlink payload of ${length - NLMSG_HDRLEN} bytes has no header`);
    events.push(decodeEventAt(datagram[offset + NLMSG_HDRLEN]!, datagram, attributes, offset + length));
  });
  return events;
}

/** One event message (genl cmd + attributes) -> MptcpEvent. Throws NetlinkDecodeError on broken framing only. */
export function decodeEvent(type: number, attributes: Buffer): MptcpEvent {
  return decodeEventAt(type, attributes, 0, attributes.length);
}

/**
 * The same for the attributes in `buf` from `start` to `end` (e.g. within a received datagram):
 * no views are made for the common case, only for attributes kept in `unknown`.
 */
function decodeEventAt(type: number, buf: Buffer, start: number, end: number): MptcpEvent {
  const event: MptcpEvent = { type, unknown: [] };
  const record = event as unknown as Record<EventKey, number | string>;
  let offset = start;
  while (offset + NLA_HDRLEN <= end) {
    const len = buf[offset]! | (buf[offset + 1]! << 8);
    const rawType = buf[offset + 2]! | (buf[offset + 3]! << 8);
    if (len < NLA_HDRLEN || offset + len > end) {
      throw new NetlinkDecodeError(`attribute type ${rawType & NLA_TYPE_MASK} at offset ${offset - start} has invalid length ${len}`);
    }
    const attrType = rawType & NLA_TYPE_MASK;
    const read = reads[attrType];
    const at = offset + NLA_HDRLEN;
    if (read !== undefined && len - NLA_HDRLEN >= sizeOf[read]) {
      record[keys[attrType]!] = readValue(read, buf, at);
    } else {
      // A copy: the datagram may be a receive buffer that is used again (EventSubscription.receiveHere).
      const data = Uint8Array.prototype.slice.call(buf, at, offset + len) as Buffer;
      const unknown: RawAttribute = { type: attrType, nested: (rawType & 0x8000) !== 0, data, offset: offset - start };
      event.unknown.push(unknown);
    }
    offset += (len + 3) & ~3;
  }
  return event;
}

function readValue(read: Read, b: Buffer, at: number): number | string {
  switch (read) {
    case Read.U8:
      return b[at]!;
    case Read.U16:
      return b[at]! | (b[at + 1]! << 8);
    case Read.U32:
      return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
    case Read.S32:
      return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
    case Read.BE16:
      return (b[at]! << 8) | b[at + 1]!;
    case Read.IPv4:
      return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
    case Read.IPv6:
      return formatIPv6(subarrayOf(b, at, at + 16));
  }
}
