/**
 * One print path per record, as iproute2's print_*(PRINT_ANY, key, fmt, value): a record becomes
 * one list of labelled items, and each output reads the labels it knows: ip's text
 * (items-text.ts), JSON (items-json.ts), a terminal table (items-table.ts). The list's order is
 * every output's order. An item may be in some outputs only, as ip's PRINT_FP and PRINT_JSON:
 * the `dev ` before an interface name is text only, a socket's separate port is JSON only.
 */
import type { IpJsonValue } from './ip-json.js';

/** ip's colour classes: IPv4 and IPv6 addresses, interface names (text and tables). */
export type IpTone = 'inet' | 'inet6' | 'ifname';
/** Colour classes: ip's, and the tables' own (flags, group headings, side notes). */
export type Tone = IpTone | 'flag' | 'heading' | 'dim';

export interface Item {
  /** JSON: the member's name; no key, not in JSON. */
  key?: string;
  /** JSON: the member's value (undefined leaves the member out). */
  json?: IpJsonValue;
  /** ip text: the fragment as printed, its separating blanks included; absent, not in the text. */
  text?: string;
  /** Table: the column's heading (a row's label in a table of one record); absent, not in the table. */
  column?: string;
  /** Table: this item's part of the cell; absent, the JSON value as text. */
  cell?: string;
  tone?: Tone;
}

export type Scalar = string | number | bigint | boolean;

/**
 * ip's print_*(PRINT_ANY, key, fmt, value): JSON `key: value`, text `fmt` with `%s` replaced by
 * the value, and the value as the cell of `column` (if given).
 */
export function field(key: string, value: Scalar, fmt: string, column?: string, tone?: Tone): Item {
  const item: Item = { key, json: value, text: fmt.replace('%s', () => String(value)) };
  if (column !== undefined) item.column = column;
  if (tone !== undefined) item.tone = tone;
  return item;
}
