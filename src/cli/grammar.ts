/**
 * iproute2's keyword grammar for `ip mptcp`, as pure functions: prefix matching, base-0 numbers,
 * forgiving IPv4 forms, and the endpoint/limits argument rules with ip's client-side checks.
 * Everything here throws UsageError on bad input and never touches the kernel.
 */
import { UsageError } from '../errors.js';
import { AddressFlag, addressFlagNames } from '../families/mptcp-pm.js';
import { ADDRESS_ID, LIMIT, PORT, type Range } from '../mptcp/ranges.js';
import { formatIPv4, formatIPv6, parseIPv6 } from '../util/inet.js';

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

export type EndpointVerb = 'add' | 'change' | 'delete' | 'show';

/** The arguments of `endpoint add|change|delete|show`, parsed and checked, not yet resolved. */
export interface EndpointArgs {
  verb: EndpointVerb;
  /** Canonical address text. */
  address?: string;
  id?: number;
  /** Interface name, resolved to an index in the target namespace by the command. */
  dev?: string;
  port?: number;
  flags: number;
  /** Userspace PM: the connection (change: set a subflow's priority; show: its local addresses). */
  token?: number;
  remote?: { address?: string; port?: number };
  /** True when `nobackup` / `nofullmesh` were given (they add no bit, but say something). */
  cleared: string[];
}

const endpointFlagWords = [...addressFlagNames, 'nobackup', 'nofullmesh'] as const;
const endpointKeywords = ['id', 'dev', 'port', 'token', 'remote', ...endpointFlagWords];
const CHANGEABLE = AddressFlag.backup | AddressFlag.fullmesh;

/** The word after keyword `words[i]`, or a UsageError saying the keyword needs a value. */
export function next(words: string[], i: number, keyword: string): string {
  const value = words[i + 1];
  if (value === undefined) throw new UsageError(`"${keyword}" needs a value`);
  return value;
}

/** Parses the words after `endpoint VERB`, following `ip mptcp`'s rules (see ip-mptcp-compat.md). */
export function parseEndpointArgs(verb: EndpointVerb, words: string[]): EndpointArgs {
  const args: EndpointArgs = { verb, flags: 0, cleared: [] };
  let inRemote = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = endpointFlagWords.find((f) => f === word);
    if (flag) {
      if (flag === 'nobackup' || flag === 'nofullmesh') args.cleared.push(flag);
      else args.flags |= AddressFlag[flag];
      if (verb === 'add' && args.flags & AddressFlag.signal && args.flags & AddressFlag.fullmesh) {
        throw new UsageError(`invalid flag "${word}": signal and fullmesh cannot be used together`);
      }
      if (verb === 'change' && args.flags & ~CHANGEABLE) {
        throw new UsageError(`invalid flag "${word}" for change: only backup, nobackup, fullmesh and nofullmesh can be changed`);
      }
      continue;
    }
    if (matches(word, 'id')) {
      args.id = parseNumber(next(words, i++, 'id'), 'id', ADDRESS_ID);
    } else if (matches(word, 'dev')) {
      const name = next(words, i++, 'dev');
      checkInterfaceName(name);
      args.dev = name;
    } else if (matches(word, 'port')) {
      const port = parseNumber(next(words, i++, 'port'), 'port', PORT);
      if (inRemote) args.remote!.port = port;
      else args.port = port;
    } else if (word === 'token' && (verb === 'change' || verb === 'show')) {
      args.token = parseToken(next(words, i++, 'token'));
    } else if (word === 'remote' && verb === 'change') {
      const text = next(words, i++, 'remote');
      const address = parseAddressWord(text);
      if (!address) throw new UsageError(`invalid remote address ${quote(text)}`);
      args.remote = { address };
      inRemote = true;
    } else {
      const address = parseAddressWord(word);
      if (address === undefined) {
        const guess = didYouMean(word, endpointKeywords);
        throw new UsageError(
          guess
            ? `unknown word ${quote(word)}: did you mean "${guess}"?`
            : `${quote(word)} is not an address or a keyword (expected an IPv4/IPv6 address, id, dev, port or a flag: ${addressFlagNames.join(', ')})`,
        );
      }
      args.address = address;
    }
  }
  checkEndpointArgs(args);
  return args;
}

/** The checks ip makes after reading the words, in ip's order, plus the userspace-PM rules. */
function checkEndpointArgs(args: EndpointArgs): void {
  const { verb } = args;
  if (args.token !== undefined && verb === 'change') {
    if (!args.address) throw new UsageError('endpoint change with a token needs the local ADDRESS of the subflow');
    if (!args.remote?.address) throw new UsageError('endpoint change with a token needs "remote ADDRESS"');
    if (args.id !== undefined) throw new UsageError('endpoint change with a token selects subflows by address: "id" cannot be used');
    if (args.flags & AddressFlag.fullmesh) throw new UsageError('endpoint change with a token can only set backup or nobackup');
    return;
  }
  if (args.remote) throw new UsageError('"remote" needs "token TOKEN" (it selects a subflow of a userspace-PM connection)');
  if (verb === 'add' && args.address === undefined) throw new UsageError('endpoint add needs an ADDRESS');
  if (verb === 'delete') {
    if (args.id === undefined) throw new UsageError('endpoint delete needs "id ID"');
    if (args.id !== 0 && args.address !== undefined) {
      throw new UsageError('endpoint delete: an ADDRESS can only be given with id 0 (it selects the initial subflows to close)');
    }
    if (args.id === 0 && args.address === undefined) throw new UsageError('endpoint delete id 0 needs the ADDRESS of the initial subflows');
  }
  if ((verb === 'add' || verb === 'change' || verb === 'show') && args.id === 0) {
    throw new UsageError(`endpoint ${verb}: id 0 is reserved for the initial subflow (use 1 to 255${verb === 'add' ? ', or no id to let the kernel pick one' : ''})`);
  }
  if (verb === 'add' && args.port && !(args.flags & AddressFlag.signal)) {
    throw new UsageError('endpoint add: "port" needs the "signal" flag (the kernel listens on that port for the peer)');
  }
  // ip sends these to the kernel, which answers "missing address ID" / "address not found (id 0)";
  // the library refuses id 0 there, so say it here, in words.
  if (verb === 'change' && args.id === undefined && args.address === undefined) {
    throw new UsageError('endpoint change needs the endpoint: "id ID" or its ADDRESS (`mptcpctl endpoint show` lists them)');
  }
  if (verb === 'show' && args.id === undefined && (args.address !== undefined || args.port !== undefined || args.dev !== undefined || args.flags || args.cleared.length)) {
    const given = args.address !== undefined ? `${quote(args.address)} is an address` : args.port !== undefined ? '"port" selects nothing' : args.dev !== undefined ? '"dev" selects nothing' : 'flags select nothing';
    throw new UsageError(`endpoint show looks an endpoint up by "id ID" only: ${given} (\`mptcpctl endpoint show\` lists every endpoint with its address)`);
  }
  if (verb === 'change' && args.id && args.port) {
    throw new UsageError('endpoint change: "port" cannot be used with "id" (select the endpoint by ADDRESS and port instead)');
  }
}

/** Arguments of `limits set|show`. */
export interface LimitsArgs {
  subflows?: number;
  addAddrAccepted?: number;
}

const limitKeywords = ['subflows', 'add_addr_accepted'] as const;

/** `[subflows N] [add_addr_accepted N]`, any order, last wins; each 0..8, the kernel's maximum (MPTCP_PM_ADDR_MAX). */
export function parseLimitsArgs(words: string[]): LimitsArgs {
  const args: LimitsArgs = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const keyword = matchKeyword(word, limitKeywords);
    if (!keyword) {
      const guess = didYouMean(word, limitKeywords);
      throw new UsageError(`unknown limit ${quote(word)}${guess ? `: did you mean "${guess}"?` : ' (expected subflows or add_addr_accepted)'}`);
    }
    const value = parseNumber(next(words, i++, keyword), keyword, LIMIT);
    if (keyword === 'subflows') args.subflows = value;
    else args.addAddrAccepted = value;
  }
  return args;
}
