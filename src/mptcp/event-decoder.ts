/**
 * The event decoder: one pass over the attributes, each read straight into its field. Events are
 * the one hot path (a monitor may see tens of thousands per second), so this avoids the generic
 * codec's per-attribute map; which field each attribute fills, and how it is read, still comes
 * from the `event-attr` set in spec.ts. Pure.
 */
import { NLA_HDRLEN, NLA_TYPE_MASK, NetlinkDecodeError, type RawAttribute } from '../netlink/message.js';
import { formatIPv6 } from '../util/inet.js';
import type { MptcpEvent } from './records.js';
import { eventAttrSet } from './spec.js';
import type { AttributeKind } from '../netlink/attrset.js';

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

interface Field {
  key: EventKey;
  /** Bytes the value needs; a shorter attribute is kept raw in `unknown`. */
  size: number;
  read: (buf: Buffer, at: number) => number | string;
}

/** How each wire kind is read. `be32` attributes of this set are IPv4 addresses, `binary` IPv6. */
const readers: Partial<Record<AttributeKind, [number, Field['read']]>> = {
  u8: [1, (b, at) => b[at]!],
  u16: [2, (b, at) => b.readUInt16LE(at)],
  u32: [4, (b, at) => b.readUInt32LE(at)],
  s32: [4, (b, at) => b.readInt32LE(at)],
  be16: [2, (b, at) => b.readUInt16BE(at)],
  be32: [4, (b, at) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`],
  binary: [16, (b, at) => formatIPv6(b.subarray(at, at + 16))],
};

/** Attribute type -> field, indexed by type for a plain array lookup. */
const fields: (Field | undefined)[] = [];
for (const spec of eventAttrSet.byId.values()) {
  const reader = readers[spec.kind];
  const key = fieldOf[spec.name];
  if (!reader || !key) throw new Error(`event attribute ${spec.name} has no decoder`);
  fields[spec.id] = { key, size: reader[0], read: reader[1] };
}

/** One event message (genl cmd + attributes) -> MptcpEvent. Throws NetlinkDecodeError on broken framing only. */
export function decodeEvent(type: number, attributes: Buffer): MptcpEvent {
  const event: MptcpEvent = { type, unknown: [] };
  const record = event as unknown as Record<EventKey, number | string>;
  const end = attributes.length;
  let offset = 0;
  while (offset + NLA_HDRLEN <= end) {
    const len = attributes.readUInt16LE(offset);
    const rawType = attributes.readUInt16LE(offset + 2);
    if (len < NLA_HDRLEN || offset + len > end) {
      throw new NetlinkDecodeError(`attribute type ${rawType & NLA_TYPE_MASK} at offset ${offset} has invalid length ${len}`);
    }
    const attrType = rawType & NLA_TYPE_MASK;
    const field = fields[attrType];
    if (field && len - NLA_HDRLEN >= field.size) {
      record[field.key] = field.read(attributes, offset + NLA_HDRLEN);
    } else {
      const unknown: RawAttribute = {
        type: attrType,
        nested: (rawType & 0x8000) !== 0,
        data: attributes.subarray(offset + NLA_HDRLEN, offset + len),
        offset,
      };
      event.unknown.push(unknown);
    }
    offset += (len + 3) & ~3;
  }
  return event;
}
