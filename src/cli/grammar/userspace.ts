/**
 * The grammar of the userspace path-manager commands (`announce`, `remove`, `subflow create`,
 * `subflow destroy`) as pure functions: words -> a typed request, or a UsageError naming the word.
 * ip's keyword rules: words in any order, keywords abbreviated by prefix, the last value wins, and
 * `port` belongs to the `local` or `remote` address named before it. Nothing here touches the
 * kernel, so a bad command line never sends anything.
 */
import { UsageError } from '../../errors.js';
import { ADDRESS_ID, ENDPOINT_ID, EXACT_PORT, PORT, type Range } from '../../mptcp/ranges.js';
import { checkInterfaceName, didYouMean, matchKeyword, next, parseAddressWord, parseNumber, parseToken, quote } from './words.js';

/** `announce ADDRESS id ID token TOKEN [port PORT] [dev IFNAME]` */
export interface AnnounceRequest {
  token: number;
  /** Canonical address text. */
  address: string;
  /** 1..255: the id the peer will know the address by. */
  id: number;
  /** Absent: the peer is told the connection's own port. */
  port?: number;
  /** Interface name, resolved to an index in the target namespace by the command. */
  dev?: string;
}

/** `remove id ID token TOKEN` */
export interface RemoveRequest {
  token: number;
  /** 0..255; 0 withdraws the address of the initial subflow. */
  id: number;
}

/** `subflow create token TOKEN local ADDRESS [id ID] [port PORT] [dev IFNAME] remote ADDRESS port PORT [backup]` */
export interface SubflowCreateRequest {
  token: number;
  local: { address: string; id?: number; port?: number; dev?: string };
  remote: { address: string; port: number };
  backup: boolean;
}

/** `subflow destroy token TOKEN local ADDRESS port PORT remote ADDRESS port PORT` */
export interface SubflowDestroyRequest {
  token: number;
  local: { address: string; port: number };
  remote: { address: string; port: number };
}

type Keyword = 'token' | 'local' | 'remote' | 'id' | 'port' | 'dev' | 'backup';
type Side = 'local' | 'remote';

/** What one command accepts. */
interface CommandRules {
  name: string;
  /** In first-match order; they start with different letters, so every prefix is unambiguous. */
  keywords: readonly Keyword[];
  /** `announce` takes its address as a bare word; the subflow commands say `local`/`remote`. */
  bareAddress: boolean;
  /** Default 0..255. */
  id?: Range;
  /** Default: local 0..65535 (0 = none, the kernel picks), remote 1..65535 (where the SYN goes). */
  ports?: Record<Side, Range>;
}

const DEFAULT_PORTS: Record<Side, Range> = { local: PORT, remote: EXACT_PORT };

const announceRules: CommandRules = { name: 'announce', keywords: ['id', 'token', 'port', 'dev'], bareAddress: true, id: ENDPOINT_ID };
const removeRules: CommandRules = { name: 'remove', keywords: ['id', 'token'], bareAddress: false };
const createRules: CommandRules = { name: 'subflow create', keywords: ['token', 'local', 'remote', 'id', 'port', 'dev', 'backup'], bareAddress: false };
const destroyRules: CommandRules = {
  name: 'subflow destroy',
  keywords: ['token', 'local', 'remote', 'port'],
  bareAddress: false,
  // The kernel finds the subflow by both exact ports.
  ports: { local: EXACT_PORT, remote: EXACT_PORT },
};

/** Every command's keywords, exported for the unit test that keeps abbreviations unambiguous. */
export const userspaceKeywords: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  [announceRules, removeRules, createRules, destroyRules].map((r) => [r.name, r.keywords]),
);

interface Scanned {
  token?: number;
  id?: number;
  dev?: string;
  backup: boolean;
  local: { address?: string; port?: number };
  remote: { address?: string; port?: number };
}

function addressValue(text: string, what: string): string {
  const address = parseAddressWord(text);
  if (address === undefined) throw new UsageError(`invalid ${what} ${quote(text)}: expected an IPv4 or IPv6 address`);
  return address;
}

function unknownWord(word: string, rules: CommandRules): UsageError {
  const guess = didYouMean(word, rules.keywords);
  if (guess) return new UsageError(`${rules.name}: unknown word ${quote(word)}: did you mean "${guess}"?`);
  const expected = rules.bareAddress ? ['an ADDRESS', ...rules.keywords] : [...rules.keywords];
  const last = expected.pop()!;
  return new UsageError(`${rules.name}: unknown word ${quote(word)} (expected ${expected.join(', ')} or ${last})`);
}

/** One pass over the words; checks each value as it is read, requirements come after. */
function scan(rules: CommandRules, words: string[]): Scanned {
  const s: Scanned = { backup: false, local: {}, remote: {} };
  let side: Side = 'local';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const keyword = matchKeyword(word, rules.keywords) as Keyword | undefined;
    switch (keyword) {
      case 'token':
        s.token = parseToken(next(words, i++, keyword));
        break;
      case 'id':
        s.id = parseNumber(next(words, i++, keyword), 'id', rules.id ?? ADDRESS_ID);
        break;
      case 'dev': {
        const name = next(words, i++, keyword);
        checkInterfaceName(name);
        s.dev = name;
        break;
      }
      case 'local':
      case 'remote':
        side = keyword;
        s[side].address = addressValue(next(words, i++, keyword), `${keyword} address`);
        break;
      case 'port':
        s[side].port = parseNumber(next(words, i++, keyword), rules.bareAddress ? 'port' : `${side} port`, (rules.ports ?? DEFAULT_PORTS)[side]);
        break;
      case 'backup':
        s.backup = true;
        break;
      case undefined: {
        const address = rules.bareAddress ? parseAddressWord(word) : undefined;
        if (address === undefined) throw unknownWord(word, rules);
        s.local.address = address;
      }
    }
  }
  return s;
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new UsageError(message);
  return value;
}

const TOKEN_HELP = 'the connection, as `mptcpctl connection show` lists it';

function token(s: Scanned, rules: CommandRules): number {
  return required(s.token, `${rules.name} needs "token TOKEN" (${TOKEN_HELP})`);
}

/** IPv4 and IPv4-mapped IPv6 addresses are one family to the kernel (mptcp_pm_addr_families_match). */
function speaksIPv4(address: string): boolean {
  return !address.includes(':') || /^::ffff:[0-9.]+$/i.test(address);
}

function checkFamilies(local: string, remote: string, rules: CommandRules): void {
  if (speaksIPv4(local) !== speaksIPv4(remote)) {
    throw new UsageError(`${rules.name}: local ${local} and remote ${remote} must both be IPv4 or both IPv6`);
  }
}

/** The address and port of one side of a subflow, both required (the kernel needs the ports to find or reach it). */
function endpointOf(s: Scanned, side: Side, rules: CommandRules): { address: string; port: number } {
  const address = required(s[side].address, `${rules.name} needs "${side} ADDRESS"`);
  const port = required(s[side].port, `${rules.name} needs "port PORT" after "${side} ${address}"`);
  return { address, port };
}

export function parseAnnounceArgs(words: string[]): AnnounceRequest {
  const s = scan(announceRules, words);
  const address = required(s.local.address, 'announce needs an ADDRESS (the local address to announce)');
  const id = required(s.id, 'announce needs "id ID" (1 to 255: the id the peer will know the address by)');
  const request: AnnounceRequest = { token: token(s, announceRules), address, id };
  // Port 0 is the kernel's "no port", so it is not sent.
  if (s.local.port) request.port = s.local.port;
  if (s.dev !== undefined) request.dev = s.dev;
  return request;
}

export function parseRemoveArgs(words: string[]): RemoveRequest {
  const s = scan(removeRules, words);
  const id = required(s.id, 'remove needs "id ID" (0 to 255: the id given to announce or subflow create)');
  return { token: token(s, removeRules), id };
}

export function parseSubflowCreateArgs(words: string[]): SubflowCreateRequest {
  const s = scan(createRules, words);
  const tokenValue = token(s, createRules);
  const address = required(s.local.address, 'subflow create needs "local ADDRESS" (the address to connect from)');
  const remote = endpointOf(s, 'remote', createRules);
  checkFamilies(address, remote.address, createRules);
  const local: SubflowCreateRequest['local'] = { address };
  if (s.id !== undefined) local.id = s.id;
  if (s.local.port) local.port = s.local.port;
  if (s.dev !== undefined) local.dev = s.dev;
  return { token: tokenValue, local, remote, backup: s.backup };
}

export function parseSubflowDestroyArgs(words: string[]): SubflowDestroyRequest {
  const s = scan(destroyRules, words);
  const tokenValue = token(s, destroyRules);
  const local = endpointOf(s, 'local', destroyRules);
  const remote = endpointOf(s, 'remote', destroyRules);
  checkFamilies(local.address, remote.address, destroyRules);
  return { token: tokenValue, local, remote };
}
