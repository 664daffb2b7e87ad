/**
 * The primitives every command's grammar is made of, as ip reads words (pure): prefix
 * abbreviation, "did you mean", quoting in messages, base-0 numbers within a range, ids and
 * ports, ip's forgiving IPv4 forms, tokens and interface names. Each throws UsageError on bad
 * input and never touches the kernel.
 */
import { UsageError } from '../../errors.js';
import type { Range } from '../../mptcp/ranges.js';
import { formatIPv4, formatIPv6, parseIPv6 } from '../../util/inet.js';

/** ip's `matches(word, keyword)`: `word` is a non-empty prefix of `keyword`. */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && keyword.startsWith(word);
}

/** The first keyword `word` abbreviates, in the given order (ip's first-match rule). */
export function matchKeyword(word: string, keywords: readonly string[]): string | undefined {
  return keywords.find((k) => matches(word, k));
}

/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest keyword when `word` looks like a typo of one (case-insensitive, small edit distance). */
export function didYouMean(word: string, keywords: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of keywords) {
    // The distance is at least the length difference: skip what cannot be a typo, so a huge word
    // (a batch line has no length limit) costs nothing.
    if (Math.abs(w.length - k.length) > Math.max(1, Math.floor(k.length / 3))) continue;
    const d = distance(w, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor((best?.length ?? 0) / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** The longest part of a word an error message repeats. */
const QUOTE_MAX = 64;

/**
 * Quotes a word for an error message; control characters are escaped so a message stays one line,
 * and a huge word is cut (with `...` after the quote) so it cannot flood the terminal.
 */
export function quote(word: string): string {
  if (word.length <= QUOTE_MAX) return JSON.stringify(word);
  // Cut at a code point, never inside a surrogate pair.
  const head = [...word.slice(0, QUOTE_MAX + 1)].slice(0, QUOTE_MAX).join('');
  return head.length < word.length ? `${JSON.stringify(head)}...` : JSON.stringify(word);
}

/**
 * strtoul(text, base 0) as iproute2 uses it: leading blanks and `+` allowed, `0x` hex, leading-0
 * octal, decimal otherwise; the whole text must be consumed. Returns undefined when invalid.
 */
export function parseBase0(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[1]!;
  const value = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A base-0 unsigned number within `range` (shared with the library), or a UsageError naming the word and the range. */
export function parseNumber(text: string, what: string, { min, max }: Range): number {
  const value = parseBase0(text);
  if (value === undefined) throw new UsageError(`invalid ${what} ${quote(text)}: expected a number from ${min} to ${max}`);
  if (value < min || value > max) throw new UsageError(`invalid ${what} ${quote(text)}: must be from ${min} to ${max}`);
  return value;
}

/**
 * iproute2's IPv4 parser: 1-4 dot-separated parts, each a base-0 number up to 255, missing parts
 * zero (`10.7` = 10.7.0.0, `0x0a.0.1.0x0d` = 10.0.1.13, `010.1.1.1` = 8.1.1.1).
 */
export function parseIproute4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '' || /\s/.test(part[0]!)) return undefined;
    const n = parseBase0(part);
    if (n === undefined || n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** An address as `ip` accepts it, in canonical text; undefined when it is not one. */
export function parseAddressWord(word: string): string | undefined {
  if (word.includes(':')) {
    const bytes = parseIPv6(word);
    return bytes && formatIPv6(bytes);
  }
  const bytes = parseIproute4(word);
  return bytes && formatIPv4(bytes);
}

/** A token as printed anywhere by mptcpctl: hexadecimal, with or without 0x. */
export function parseToken(text: string): number {
  const m = /^(?:0[xX])?([0-9a-fA-F]{1,8})$/.exec(text);
  // Not repeated: a mistyped token is still most of a secret (anyone with it can add subflows).
  if (!m) throw new UsageError('invalid token (not shown): expected up to 8 hexadecimal digits, as `mptcpctl connection show` prints it');
  return parseInt(m[1]!, 16);
}

/** Interface names as the kernel allows them (check_ifname). */
export function checkInterfaceName(name: string): void {
  if (name === '' || name.length >= 16 || name === '.' || name === '..' || /[/\s]/.test(name)) {
    throw new UsageError(`invalid interface name ${quote(name)}: 1 to 15 characters, no "/" or blanks`);
  }
}

/** The word after keyword `words[i]`, or a UsageError saying the keyword needs a value. */
export function next(words: string[], i: number, keyword: string): string {
  const value = words[i + 1];
  if (value === undefined) throw new UsageError(`"${keyword}" needs a value`);
  return value;
}
