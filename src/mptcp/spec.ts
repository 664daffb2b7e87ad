/**
 * The `mptcp_pm` generic netlink family as data, from the kernel's mptcp_pm.yaml (6.18/7.1),
 * with the documented errata fixed (pinned in test/unit/codec.test.ts, "Surprises"):
 *  - address.port is host byte order (the spec said big-endian in 6.7-6.10);
 *  - event sport/dport are big-endian, addr4/saddr4/daddr4 are big-endian;
 *  - ANNOUNCED carries no family; CREATED/ESTABLISHED carry loc-id/rem-id.
 */
import { defineAttributeSet, type AttributeSetSpec } from '../netlink/attrset.js';

export const FAMILY_NAME = 'mptcp_pm';
export const FAMILY_VERSION = 1;
export const EVENTS_GROUP = 'mptcp_pm_events';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** Operations (genl cmd values). */
export const Command = {
  ADD_ADDR: 1,
  DEL_ADDR: 2,
  GET_ADDR: 3,
  FLUSH_ADDRS: 4,
  SET_LIMITS: 5,
  GET_LIMITS: 6,
  SET_FLAGS: 7,
  ANNOUNCE: 8,
  REMOVE: 9,
  SUBFLOW_CREATE: 10,
  SUBFLOW_DESTROY: 11,
} as const;
export type CommandName = keyof typeof Command;

export const commandNames: ReadonlyMap<number, CommandName> = new Map(
  Object.entries(Command).map(([name, id]) => [id, name as CommandName]),
);

export const addressSet: AttributeSetSpec = defineAttributeSet('address', [
  { id: 1, name: 'family', kind: 'u16' },
  { id: 2, name: 'id', kind: 'u8' },
  { id: 3, name: 'addr4', kind: 'be32' },
  { id: 4, name: 'addr6', kind: 'binary', exactLength: 16 },
  { id: 5, name: 'port', kind: 'u16' }, // host order, unlike the event ports
  { id: 6, name: 'flags', kind: 'u32' },
  { id: 7, name: 'if-idx', kind: 's32' },
]);

/** Top level of ADD_ADDR, DEL_ADDR and FLUSH_ADDRS. */
export const endpointSet: AttributeSetSpec = defineAttributeSet('endpoint', [
  { id: 1, name: 'addr', kind: 'nest', nested: () => addressSet },
]);

/** Top level of every other operation. */
export const attrSet: AttributeSetSpec = defineAttributeSet('attr', [
  { id: 1, name: 'addr', kind: 'nest', nested: () => addressSet },
  { id: 2, name: 'rcv-add-addrs', kind: 'u32' },
  { id: 3, name: 'subflows', kind: 'u32' },
  { id: 4, name: 'token', kind: 'u32' },
  { id: 5, name: 'loc-id', kind: 'u8' },
  { id: 6, name: 'addr-remote', kind: 'nest', nested: () => addressSet },
]);

export const eventAttrSet: AttributeSetSpec = defineAttributeSet('event-attr', [
  { id: 1, name: 'token', kind: 'u32' },
  { id: 2, name: 'family', kind: 'u16' },
  { id: 3, name: 'loc-id', kind: 'u8' },
  { id: 4, name: 'rem-id', kind: 'u8' },
  { id: 5, name: 'saddr4', kind: 'be32' },
  { id: 6, name: 'saddr6', kind: 'binary', exactLength: 16 },
  { id: 7, name: 'daddr4', kind: 'be32' },
  { id: 8, name: 'daddr6', kind: 'binary', exactLength: 16 },
  { id: 9, name: 'sport', kind: 'be16' },
  { id: 10, name: 'dport', kind: 'be16' },
  { id: 11, name: 'backup', kind: 'u8' },
  { id: 12, name: 'error', kind: 'u8' },
  { id: 13, name: 'flags', kind: 'u16' },
  { id: 14, name: 'timeout', kind: 'u32' },
  { id: 15, name: 'if-idx', kind: 's32' },
  { id: 16, name: 'reset-reason', kind: 'u32' },
  { id: 17, name: 'reset-flags', kind: 'u32' },
  { id: 18, name: 'server-side', kind: 'u8' },
]);

/** The INET_ULP_INFO_MPTCP nest of inet_diag (not used by mptcp_pm itself). */
export const subflowAttrSet: AttributeSetSpec = defineAttributeSet('subflow-attribute', [
  { id: 1, name: 'token-rem', kind: 'u32' },
  { id: 2, name: 'token-loc', kind: 'u32' },
  { id: 3, name: 'relwrite-seq', kind: 'u32' },
  { id: 4, name: 'map-seq', kind: 'u64' },
  { id: 5, name: 'map-sfseq', kind: 'u32' },
  { id: 6, name: 'ssn-offset', kind: 'u32' },
  { id: 7, name: 'map-datalen', kind: 'u16' },
  { id: 8, name: 'flags', kind: 'u32' },
  { id: 9, name: 'id-rem', kind: 'u8' },
  { id: 10, name: 'id-loc', kind: 'u8' },
  { id: 11, name: 'pad', kind: 'pad' },
]);

/** Which attribute set is at the top level of each operation's request. */
export function requestSetOf(cmd: number): AttributeSetSpec {
  return cmd === Command.ADD_ADDR || cmd === Command.DEL_ADDR || cmd === Command.FLUSH_ADDRS ? endpointSet : attrSet;
}

/** Endpoint (address) flags, in the order ip prints them. */
export const AddressFlag = {
  signal: 0x01,
  subflow: 0x02,
  backup: 0x04,
  fullmesh: 0x08,
  implicit: 0x10,
  laminar: 0x20,
} as const;
export type AddressFlagName = keyof typeof AddressFlag;
export const addressFlagNames = Object.keys(AddressFlag) as AddressFlagName[];
export const KNOWN_ADDRESS_FLAGS = 0x3f;

/** Event types (genl cmd of an event message). */
export const EventType = {
  CREATED: 1,
  ESTABLISHED: 2,
  CLOSED: 3,
  ANNOUNCED: 6,
  REMOVED: 7,
  SUB_ESTABLISHED: 10,
  SUB_CLOSED: 11,
  SUB_PRIORITY: 13,
  LISTENER_CREATED: 15,
  LISTENER_CLOSED: 16,
} as const;
export type EventTypeName = keyof typeof EventType;

/** Event flags (event-attr flags, u16). */
export const EventFlag = {
  DENY_JOIN_ID0: 0x1,
  SERVER_SIDE: 0x2,
} as const;

/** Reset reasons of MP_TCPRST (RFC 8684, 3.6), event-attr reset-reason. */
export const ResetReason: ReadonlyMap<number, string> = new Map([
  [0, 'EUNSPEC'],
  [1, 'EMPTCP'],
  [2, 'ERESOURCE'],
  [3, 'EPROHIBIT'],
  [4, 'EWQ2BIG'],
  [5, 'EBADPERF'],
  [6, 'EMIDDLEBOX'],
]);

/** Subflow flags of the inet_diag MPTCP ULP info (MPTCP_SUBFLOW_FLAG_*). */
export const SubflowFlag = {
  mcap_rem: 0x001,
  mcap_loc: 0x002,
  join_rem: 0x004,
  join_loc: 0x008,
  bkup_rem: 0x010,
  bkup_loc: 0x020,
  fully_established: 0x040,
  connected: 0x080,
  mapvalid: 0x100,
} as const;
