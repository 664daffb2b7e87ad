/**
 * The event decoder: one pass over the attributes, each read straight into its field. Events are
 * the one hot path (a monitor may see tens of thousands per second), so the `event-attr` set is
 * compiled once into an id-indexed record decoder (no map per event); which field each attribute
 * fills is named here, how it is read comes from the family description. Pure.
 */
import { forEachMessage, genlAttributesAt, NLMSG_HDRLEN } from '../netlink/message.js';
import { compileRecordDecoder, decodeRecordAt, type RecordDecoder } from '../netlink/attrset.js';
import type { MptcpEvent } from './records.js';
import { eventAttrSet } from '../families/mptcp-pm.js';
import { readU16LE } from '../util/bytes.js';

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

let decoder: RecordDecoder | undefined;

/** The events in one received datagram: the messages of the family `familyId`, others skipped. */
export function decodeEventDatagram(datagram: Buffer, familyId: number): MptcpEvent[] {
  const events: MptcpEvent[] = [];
  forEachMessage(datagram, (offset, length) => {
    if (readU16LE(datagram, offset + 4) !== familyId) return;
    const attributes = genlAttributesAt(offset, length);
    events.push(decodeEventAt(datagram[offset + NLMSG_HDRLEN]!, datagram, attributes, offset + length));
  });
  return events;
}

/** One event message (genl cmd + attributes) -> MptcpEvent. Throws NetlinkDecodeError on broken framing only. */
export function decodeEvent(type: number, attributes: Buffer): MptcpEvent {
  return decodeEventAt(type, attributes, 0, attributes.length);
}

function decodeEventAt(type: number, buf: Buffer, start: number, end: number): MptcpEvent {
  const event: MptcpEvent = { type, unknown: [] };
  decodeRecordAt((decoder ??= compileRecordDecoder(eventAttrSet, fieldOf)), buf, start, end, event as unknown as Record<string, unknown>, event.unknown);
  return event;
}
