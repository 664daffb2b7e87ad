/**
 * One path-manager event as the ordered list of items iproute2 7.1's `ip mptcp monitor` prints,
 * shared by the text and the JSON renderer so both always agree on order and presence (pure).
 */
import { tokenJson, tokenText } from '../token.js';
import type { MptcpEvent } from '../../../mptcp/records.js';
import { errnoName } from '../../../errno.js';
import { EventFlag, resetReasons } from '../../../families/mptcp-pm.js';
import { eventName, eventNames } from './event-names.js';

export { eventName, eventNames };

/** Interface index -> name in the monitored namespace. */
export type InterfaceNames = ReadonlyMap<number, string>;

/** ip's colour classes: IPv4 and IPv6 addresses, interface names. */
export type ItemColor = 'inet' | 'inet6' | 'ifname';

/**
 * How an item's value is printed. text: `key=value` (a flag: `key` alone); JSON: a number, a
 * string, or true for a flag. Tokens differ: `token=0a0b0c0d` in text, `"0xa0b0c0d"` in JSON.
 */
export type ItemKind =
  /** A number. */
  | 'number'
  /** A string that never needs JSON escaping (addresses, `0x..` hex). */
  | 'plain'
  /** Any other string (an interface name may hold `"` or `\`). */
  | 'string'
  | 'token'
  | 'flag';

/** One printed item of an event; each renderer formats `value` by `kind`. */
export interface EventItem {
  /** The JSON key, also ip's text key. */
  key: string;
  kind: ItemKind;
  value: number | string;
  color?: ItemColor;
  /** A human explanation of a numeric code (terminal output and JSON `*_name` keys). */
  explain?: { key: string; name: string; description?: string };
}

/** C's `%#x`: `0` for zero, else `0x` + lowercase hex. */
const hashHex = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);

const number = (key: string, value: number): EventItem => ({ key, kind: 'number', value });
const address = (key: string, value: string, color: ItemColor): EventItem => ({ key, kind: 'plain', value, color });
const flag = (key: string): EventItem => ({ key, kind: 'flag', value: 1 });

/**
 * The items of one event in ip 7.1's order. Unknown event types have none (ip prints the
 * `[UNKNOWN n]` line alone). `flags` bits ip names are printed by name, the rest as `flags=0x..`.
 */
export function eventItems(e: MptcpEvent, names: InterfaceNames): EventItem[] {
  if (!eventNames.has(e.type)) return [];
  const items: EventItem[] = [];
  if (e.token !== undefined) items.push({ key: 'token', kind: 'token', value: e.token });
  if (e.remoteId !== undefined) items.push(number('remid', e.remoteId));
  if (e.localId !== undefined) items.push(number('locid', e.localId));
  if (e.saddr4 !== undefined) items.push(address('saddr4', e.saddr4, 'inet'));
  if (e.daddr4 !== undefined) items.push(address('daddr4', e.daddr4, 'inet'));
  if (e.saddr6 !== undefined) items.push(address('saddr6', e.saddr6, 'inet6'));
  if (e.daddr6 !== undefined) items.push(address('daddr6', e.daddr6, 'inet6'));
  if (e.sport !== undefined) items.push(number('sport', e.sport));
  if (e.dport !== undefined) items.push(number('dport', e.dport));
  if (e.backup !== undefined) items.push(number('backup', e.backup));
  if (e.error !== undefined) {
    const item = number('error', e.error);
    if (e.error !== 0) item.explain = { key: 'error_name', name: errnoName(e.error) };
    items.push(item);
  }
  if (e.timeout !== undefined) items.push(number('timeout', e.timeout));
  if (e.ifindex !== undefined) {
    items.push(number('ifindex', e.ifindex));
    // ip resolves the name in the monitored namespace and falls back to `ifN`.
    items.push({ key: 'dev', kind: 'string', value: names.get(e.ifindex) ?? `if${e.ifindex}`, color: 'ifname' });
  }
  if (e.resetReason !== undefined) {
    const item = number('reset_reason', e.resetReason);
    const reason = resetReasons.get(e.resetReason);
    if (reason) item.explain = { key: 'reset_reason_name', ...reason };
    items.push(item);
  }
  if (e.resetFlags !== undefined) items.push({ key: 'reset_flags', kind: 'plain', value: hashHex(e.resetFlags) });
  let flags = e.flags ?? 0;
  // Kernels 5.19-6.17 send the server-side attribute (0 or 1), 6.18+ also the flag bit: print once.
  if (flags & EventFlag.SERVER_SIDE || e.serverSide) {
    flags &= ~EventFlag.SERVER_SIDE;
    items.push(flag('server_side'));
  }
  if (flags & EventFlag.DENY_JOIN_ID0) {
    flags &= ~EventFlag.DENY_JOIN_ID0;
    items.push(flag('deny_join_id0'));
  }
  if (flags) items.push({ key: 'flags', kind: 'plain', value: hashHex(flags) });
  return items;
}

/** An item as ip's text prints it, without the leading space: `token=0a0b0c0d`, `server_side`. */
export function itemText(item: EventItem): string {
  switch (item.kind) {
    case 'flag':
      return item.key;
    case 'token':
      return `${item.key}=${tokenText(item.value as number)}`;
    default:
      return `${item.key}=${item.value}`;
  }
}

/** An item's JSON value: `2`, `"10.0.0.1"`, `"0xa0b0c0d"`, `true`. */
export function itemJson(item: EventItem): string {
  switch (item.kind) {
    case 'number':
      return String(item.value);
    case 'plain':
      return `"${item.value}"`;
    case 'token':
      return `"${tokenJson(item.value as number)}"`;
    case 'flag':
      return 'true';
    case 'string':
      return JSON.stringify(item.value);
  }
}

/** `YYYY-MM-DDTHH:MM:SS.uuuuuu` in local time, as ip's `-ts` prints it. `epochMicros`: µs since 1970. */
export function localTimestamp(epochMicros: number): string {
  return `${localSeconds(Math.floor(epochMicros / 1_000_000))}.${micros(epochMicros)}`;
}

/** ISO 8601 in UTC with microseconds, e.g. `2026-11-30T11:52:37.845337Z` (the JSON `timestamp`). */
export function isoTimestamp(epochMicros: number): string {
  return `${utcSeconds(Math.floor(epochMicros / 1_000_000))}.${micros(epochMicros)}Z`;
}

const micros = (epochMicros: number): string => String(Math.floor(epochMicros % 1_000_000)).padStart(6, '0');

/**
 * A date-and-time formatter to the second that remembers its last answer: events come in bursts
 * within one second, and formatting a Date is most of a timestamped line's cost.
 */
function perSecond(format: (d: Date) => string): (epochSeconds: number) => string {
  let second = NaN;
  let text = '';
  return (epochSeconds) => {
    if (epochSeconds !== second) {
      second = epochSeconds;
      text = format(new Date(epochSeconds * 1000));
    }
    return text;
  };
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const localSeconds = perSecond((d) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`);
const utcSeconds = perSecond((d) => d.toISOString().slice(0, 19));
