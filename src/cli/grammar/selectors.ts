/**
 * The socket selectors of `connection show` and `subflow show`, in ss's spirit (pure):
 *   token TOKEN | src ADDR[:PORT] | dst ADDR[:PORT] | sport PORT | dport PORT | dev IFNAME
 * all of which must hold. ADDR is IPv4, IPv6 (`[ADDR]:PORT` with a port) or `*` for any address;
 * PORT may be written `:PORT` as in ss. Keywords may be abbreviated while unambiguous.
 */
import { UsageError } from '../../errors.js';
import { EXACT_PORT } from '../../mptcp/ranges.js';
import { checkInterfaceName, didYouMean, parseAddressWord, parseNumber, parseToken, quote } from './words.js';

/** An address (canonical text) and/or a port to match one end of a socket against. */
export interface HostSelector {
  address?: string;
  port?: number;
}

export interface SocketSelectors {
  token?: number;
  src?: HostSelector;
  dst?: HostSelector;
  /** An interface name, resolved to an index by the caller (it needs the namespace). */
  dev?: string;
}

export const selectorKeywords = ['token', 'src', 'dst', 'sport', 'dport', 'dev'] as const;
type Keyword = (typeof selectorKeywords)[number];

/** The keyword `word` names: itself, or the only one it abbreviates. */
function keywordOf(word: string): Keyword {
  const exact = selectorKeywords.find((k) => k === word);
  if (exact) return exact;
  const candidates = word === '' ? [] : selectorKeywords.filter((k) => k.startsWith(word));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) throw new UsageError(`ambiguous word ${quote(word)}: ${candidates.join(', ')}?`);
  const guess = didYouMean(word, selectorKeywords);
  throw new UsageError(`unknown word ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected ${selectorKeywords.join(', ')})`}`);
}

function parsePort(text: string, what: string): number {
  return parseNumber(text.startsWith(':') ? text.slice(1) : text, what, EXACT_PORT);
}

/** `ADDR`, `ADDR:PORT`, `[ADDR6]:PORT`, `[ADDR6]`, `*:PORT`, `:PORT`. */
export function parseHost(text: string, what: string): HostSelector {
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    // One colon: IPv4 (or `*`) and a port. More than one: a bare IPv6 address.
    const i = text.indexOf(':');
    host = text.slice(0, i);
    port = text.slice(i + 1);
  }
  const selector: HostSelector = {};
  if (host !== '' && host !== '*') {
    const address = parseAddressWord(host);
    if (address === undefined) throw new UsageError(`invalid ${what} address ${quote(host)}: expected an IPv4 or IPv6 address, or "*"`);
    selector.address = address;
  }
  if (port !== undefined) selector.port = parsePort(port, `${what} port`);
  if (selector.address === undefined && selector.port === undefined) throw new UsageError(`"${what}" needs an address or a port, e.g. 10.0.0.1:443`);
  return selector;
}

/** Parses the words after `show`; every selector given must hold. Later words override earlier ones. */
export function parseSocketSelectors(words: readonly string[]): SocketSelectors {
  const out: SocketSelectors = {};
  for (let i = 0; i < words.length; i++) {
    const keyword = keywordOf(words[i]!);
    const value = words[++i];
    if (value === undefined) throw new UsageError(`"${keyword}" needs a value`);
    switch (keyword) {
      case 'token':
        out.token = parseToken(value);
        break;
      case 'src':
      case 'dst': {
        const host = parseHost(value, keyword);
        out[keyword] = { ...out[keyword], ...host };
        break;
      }
      case 'sport':
        out.src = { ...out.src, port: parsePort(value, 'sport') };
        break;
      case 'dport':
        out.dst = { ...out.dst, port: parsePort(value, 'dport') };
        break;
      case 'dev':
        checkInterfaceName(value);
        out.dev = value;
        break;
    }
  }
  return out;
}
