/**
 * `endpoint add|change|delete|show`: the words after the verb, with ip's client-side checks
 * (see ip-mptcp-compat.md) and the userspace-PM form of `change`/`show` (pure).
 */
import { UsageError } from '../../errors.js';
import { AddressFlag, addressFlagNames } from '../../families/mptcp-pm.js';
import { ADDRESS_ID, PORT } from '../../mptcp/ranges.js';
import { checkInterfaceName, didYouMean, matches, next, parseAddressWord, parseNumber, parseToken, quote } from './words.js';

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
