/**
 * The `mptcp_pm` generic netlink family as data, written from the kernel's mptcp_pm.yaml
 * (Documentation/netlink/specs, 6.18/7.1; a copy in test/fixtures/kernel-spec/, which
 * test/unit/families-spec.test.ts holds this to), with the errata of older specs fixed (pinned in
 * test/unit/codec.test.ts, "Surprises"):
 *  - address.port is host byte order (the spec said big-endian in 6.7-6.10);
 *  - event sport/dport are big-endian, addr4/saddr4/daddr4 are big-endian;
 *  - ANNOUNCED carries no family; CREATED/ESTABLISHED carry loc-id/rem-id.
 * Also here: ip's names of the events and flags, and the reset reasons of RFC 8684.
 */
import { defineAttributeSet, type AttributeSetSpec } from '../netlink/attrset.js';
import { defineFlags, lazyMap, namesOf, numbered } from '../netlink/describe.js';

export { AF_INET, AF_INET6 } from './address-family.js';

export const FAMILY_NAME = 'mptcp_pm';
export const FAMILY_VERSION = 1;
export const EVENTS_GROUP = 'mptcp_pm_events';

/** Operations (genl cmd values), numbered from 1 in the spec's order. */
export const Command = numbered(1, [
  'ADD_ADDR',
  'DEL_ADDR',
  'GET_ADDR',
  'FLUSH_ADDRS',
  'SET_LIMITS',
  'GET_LIMITS',
  'SET_FLAGS',
  'ANNOUNCE',
  'REMOVE',
  'SUBFLOW_CREATE',
  'SUBFLOW_DESTROY',
] as const);
export type CommandName = keyof typeof Command;

export const commandNames = namesOf(Command) as ReadonlyMap<number, CommandName>;

/** Endpoint (address) flags, in the order ip prints them. */
export const endpointFlags = defineFlags({
  signal: 0x01,
  subflow: 0x02,
  backup: 0x04,
  fullmesh: 0x08,
  implicit: 0x10,
  laminar: 0x20,
});
export const AddressFlag = endpointFlags.bits;
export type AddressFlagName = (typeof endpointFlags.names)[number];
export const addressFlagNames = endpointFlags.names;
/** Every flag bit this tool knows (ip shows the others as `rawflags`). */
export const KNOWN_ADDRESS_FLAGS = endpointFlags.mask;
/** The flags a user may give an endpoint: the kernel alone marks its own endpoints `implicit`. */
let settable: readonly AddressFlagName[] | undefined;
export const settableFlagNames = (): readonly AddressFlagName[] => (settable ??= addressFlagNames.filter((name) => name !== 'implicit'));

/** RFC 8684 3.6 MP_TCPRST reason codes (event-attr reset-reason): short name and the RFC's description. */
export const resetReasons: ReadonlyMap<number, { name: string; description: string }> = lazyMap(
  () =>
    new Map(
      [
        ['EUNSPEC', 'unspecified error'],
        ['EMPTCP', 'MPTCP-specific error'],
        ['ERESOURCE', 'lack of resources'],
        ['EPROHIBIT', 'administratively prohibited'],
        ['EWQ2BIG', 'too much outstanding data'],
        ['EBADPERF', 'unacceptable performance'],
        ['EMIDDLEBOX', 'middlebox interference'],
      ].map(([name, description], code) => [code, { name: name!, description: description! }]),
    ),
);
export const ResetReason: ReadonlyMap<number, string> = lazyMap(() => new Map([...resetReasons].map(([code, r]) => [code, r.name])));

export const addressSet: AttributeSetSpec = defineAttributeSet('address', [
  { id: 1, name: 'family', kind: 'u16', hint: 'address-family' },
  { id: 2, name: 'id', kind: 'u8' },
  { id: 3, name: 'addr4', kind: 'be32', hint: 'ipv4' },
  { id: 4, name: 'addr6', kind: 'binary', exactLength: 16, hint: 'ipv6' },
  { id: 5, name: 'port', kind: 'u16' }, // host order, unlike the event ports
  { id: 6, name: 'flags', kind: 'u32', hint: { flags: endpointFlags } },
  { id: 7, name: 'if-idx', kind: 's32' },
]);

/** Top level of ADD_ADDR, DEL_ADDR and FLUSH_ADDRS. */
export const endpointSet: AttributeSetSpec = defineAttributeSet('endpoint', [{ id: 1, name: 'addr', kind: 'nest', nested: () => addressSet }]);

/** Top level of every other operation, and of the replies. */
export const attrSet: AttributeSetSpec = defineAttributeSet('attr', [
  { id: 1, name: 'addr', kind: 'nest', nested: () => addressSet },
  { id: 2, name: 'rcv-add-addrs', kind: 'u32' },
  { id: 3, name: 'subflows', kind: 'u32' },
  { id: 4, name: 'token', kind: 'u32', hint: 'token' },
  { id: 5, name: 'loc-id', kind: 'u8' },
  { id: 6, name: 'addr-remote', kind: 'nest', nested: () => addressSet },
]);

/**
 * The spec's `attribute-set` of each operation (its request and its reply); `attr` unless named.
 * Keyed by id, as every request asks: the names by id are a table built on first use.
 */
const operationSets: ReadonlyMap<number, AttributeSetSpec> = new Map([
  [Command.ADD_ADDR, endpointSet],
  [Command.DEL_ADDR, endpointSet],
  [Command.FLUSH_ADDRS, endpointSet],
]);

/** Operations whose do has a reply (the spec's `do: reply`): its answer is the reply, no ACK needs asking for. */
const doReplies: ReadonlySet<number> = new Set([Command.GET_ADDR, Command.GET_LIMITS]);

/** Whether operation `cmd`, sent as a do, answers with a reply. */
export function repliesTo(cmd: number): boolean {
  return doReplies.has(cmd);
}

/** Which attribute set is at the top level of operation `cmd`'s request. */
export function requestSetOf(cmd: number): AttributeSetSpec {
  return operationSets.get(cmd) ?? attrSet;
}

/** Event types (genl cmd of an event message): the kernel's name, and ip's (SF_* for SUB_*). */
const events = [
  [1, 'CREATED'],
  [2, 'ESTABLISHED'],
  [3, 'CLOSED'],
  [6, 'ANNOUNCED'],
  [7, 'REMOVED'],
  [10, 'SUB_ESTABLISHED', 'SF_ESTABLISHED'],
  [11, 'SUB_CLOSED', 'SF_CLOSED'],
  [13, 'SUB_PRIORITY', 'SF_PRIO'],
  [15, 'LISTENER_CREATED'],
  [16, 'LISTENER_CLOSED'],
] as const;
export type EventTypeName = (typeof events)[number][1];
export const EventType = Object.fromEntries(events.map(([id, name]) => [name, id])) as { readonly [E in (typeof events)[number] as E[1]]: E[0] };
/** ip's event names by type. */
export const ipEventNames: ReadonlyMap<number, string> = new Map(events.map((e) => [e[0], e[2] ?? e[1]]));

/** Event flags (event-attr flags, u16). */
export const eventFlags = defineFlags({ DENY_JOIN_ID0: 0x1, SERVER_SIDE: 0x2 });
export const EventFlag = eventFlags.bits;

export const eventAttrSet: AttributeSetSpec = defineAttributeSet('event-attr', [
  { id: 1, name: 'token', kind: 'u32', hint: 'token' },
  { id: 2, name: 'family', kind: 'u16', hint: 'address-family' },
  { id: 3, name: 'loc-id', kind: 'u8' },
  { id: 4, name: 'rem-id', kind: 'u8' },
  { id: 5, name: 'saddr4', kind: 'be32', hint: 'ipv4' },
  { id: 6, name: 'saddr6', kind: 'binary', exactLength: 16, hint: 'ipv6' },
  { id: 7, name: 'daddr4', kind: 'be32', hint: 'ipv4' },
  { id: 8, name: 'daddr6', kind: 'binary', exactLength: 16, hint: 'ipv6' },
  { id: 9, name: 'sport', kind: 'be16' },
  { id: 10, name: 'dport', kind: 'be16' },
  { id: 11, name: 'backup', kind: 'u8' },
  { id: 12, name: 'error', kind: 'u8', hint: 'errno' },
  { id: 13, name: 'flags', kind: 'u16' },
  { id: 14, name: 'timeout', kind: 'u32' },
  { id: 15, name: 'if-idx', kind: 's32' },
  { id: 16, name: 'reset-reason', kind: 'u32', hint: { names: ResetReason, unknown: 'unknown' } },
  { id: 17, name: 'reset-flags', kind: 'u32' },
  { id: 18, name: 'server-side', kind: 'u8' },
]);
