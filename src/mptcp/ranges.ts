/**
 * The valid values of every number and address the path manager takes, defined once: the CLI's
 * grammar parses words against these ranges and the library checks its arguments against them
 * before encoding, so both refuse the same values with a UsageError. Without the check the
 * encoder truncates (`id 300` went out as 44, `subflows 2**32 + 1` as 1). Pure.
 */
import { UsageError } from '../errors.js';
import { parseInet } from '../util/inet.js';

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** An address id as the wire carries it (u8): 0 is the initial subflow's, or "the kernel picks". */
export const ADDRESS_ID: Range = { min: 0, max: 255 };
/** An endpoint's or announced address's own id: the kernel allots and accepts 1..255. */
export const ENDPOINT_ID: Range = { min: 1, max: 255 };
/**
 * `subflows` and `add_addr_accepted`: the kernel refuses more than MPTCP_PM_ADDR_MAX (8) with
 * EINVAL "limit greater than maximum (8)" and then changes neither.
 */
export const LIMIT: Range = { min: 0, max: 8 };
/** A port (u16); 0 means none (a local port: the kernel picks one). */
export const PORT: Range = { min: 0, max: 0xffff };
/** A port something connects to or is found by: 0 is not one. */
export const EXACT_PORT: Range = { min: 1, max: 0xffff };
/** A connection token (u32). */
export const TOKEN: Range = { min: 0, max: 0xffffffff };
/** Address flags (u32; the kernel ignores the bits it does not know). */
export const FLAGS: Range = { min: 0, max: 0xffffffff };
/** An interface index (the kernel's s32); 0 means not bound to a device. */
export const IFINDEX: Range = { min: 0, max: 0x7fffffff };

/** How a refused value is shown: numbers as they are, a string quoted (and cut), else its type. */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value.length > 64 ? `${JSON.stringify(value.slice(0, 64))}...` : JSON.stringify(value);
  return value === null ? 'null' : `(${typeof value})`;
}

/** `value` if it is an integer within `range`, else a UsageError naming the argument. */
export function checkInteger(value: unknown, argument: string, range: Range): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return value;
  throw new UsageError(`invalid ${argument} ${shown(value)}: must be an integer from ${range.min} to ${range.max}`, argument);
}

/** A token; a refused one is not repeated (most of a wrong token may still be someone's secret). */
export function checkToken(value: unknown, argument = 'token'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= TOKEN.min && value <= TOKEN.max) return value;
  throw new UsageError(`invalid ${argument} (not shown): must be an integer from ${TOKEN.min} to ${TOKEN.max} (0xffffffff)`, argument);
}

/** As checkInteger, but undefined passes (an optional argument left out). */
export function checkOptional(value: unknown, argument: string, range: Range): number | undefined {
  return value === undefined ? undefined : checkInteger(value, argument, range);
}

/** `value` if it is IPv4 or IPv6 address text (as inet_pton reads it), else a UsageError. */
export function checkAddress(value: unknown, argument: string): string {
  if (typeof value === 'string' && parseInet(value)) return value;
  throw new UsageError(`invalid ${argument} ${shown(value)}: expected an IPv4 or IPv6 address`, argument);
}
