/**
 * Typed mptcp_pm requests -> attribute bytes, and reply/event attribute bytes -> typed records.
 * Pure: driven by the attribute sets in families/mptcp-pm.ts, no I/O.
 */
import { compileRecordDecoder, decodeAttributeSet, decodeRecordAt, encodeAttributeSet, type AttributeInput, type DecodedAttributes, type RecordDecoder } from '../netlink/attrset.js';
import { formatIPv4Number, formatIPv6, parseInet } from '../util/inet.js';
import { AF_INET, AF_INET6, attrSet, Command, repliesTo, requestSetOf, type CommandName } from '../families/mptcp-pm.js';
import type { AddressInput, Endpoint, Limits, Token } from './records.js';
import { readU32BE } from '../util/bytes.js';
import { genlAttributesAt } from '../netlink/message.js';
import { UsageError } from '../errors.js';
import { ADDRESS_ID, checkAddress, checkInteger, checkOptional, checkToken, ENDPOINT_ID, EXACT_PORT, FLAGS, IFINDEX, LIMIT, PORT, type Range } from './ranges.js';

/** A request ready for the generic netlink layer. */
export interface PmRequest {
  command: CommandName;
  cmd: number;
  /** Send as a dump (NLM_F_DUMP) rather than a do. */
  dump: boolean;
  /** A do whose answer is a reply (GET_ADDR, GET_LIMITS): no ACK is asked for, as ip asks none. Absent: an ACK is asked for. */
  replied?: boolean;
  /** The top-level attributes, encoded. */
  attributes: Buffer;
}

function request(command: CommandName, input: AttributeInput, dump = false): PmRequest {
  const cmd = Command[command];
  const set = requestSetOf(cmd);
  return { command, cmd, dump, replied: !dump && repliesTo(cmd), attributes: encodeAttributeSet(set, input).toBuffer() };
}

/** What one operation accepts in an address argument (checked before anything is encoded). */
interface AddressRules {
  /** The address text must be given (else it is optional). */
  address?: boolean;
  /** The id's range when given (default ADDRESS_ID), and whether it must be given. */
  id?: Range;
  idRequired?: boolean;
  /** The port's range when given (default PORT), and whether it must be given. */
  port?: Range;
  portRequired?: boolean;
}

/**
 * The address nest, in the order iproute2 writes it: id, flags, if-idx, port, family, address.
 * Every member is checked first against `rules` (a UsageError names `argument.member`).
 */
export function addressAttributes(a: AddressInput, argument = 'address', rules: AddressRules = {}): AttributeInput {
  if (typeof a !== 'object' || a === null) throw new UsageError(`invalid ${argument}: expected an object such as { address: '10.0.0.1' }`, argument);
  const id = rules.idRequired ? checkInteger(a.id, `${argument}.id`, rules.id ?? ADDRESS_ID) : checkOptional(a.id, `${argument}.id`, rules.id ?? ADDRESS_ID);
  const flags = checkOptional(a.flags, `${argument}.flags`, FLAGS);
  const ifindex = checkOptional(a.ifindex, `${argument}.ifindex`, IFINDEX);
  const port = rules.portRequired ? checkInteger(a.port, `${argument}.port`, rules.port ?? PORT) : checkOptional(a.port, `${argument}.port`, rules.port ?? PORT);
  const address = rules.address || a.address !== undefined ? checkAddress(a.address, `${argument}.address`) : undefined;
  const out: AttributeInput = {};
  if (id !== undefined) out['id'] = id;
  if (flags) out['flags'] = flags;
  if (ifindex) out['if-idx'] = ifindex;
  if (port) out['port'] = port;
  if (address !== undefined) {
    const inet = parseInet(address)!;
    if (inet.family === 4) {
      out['family'] = AF_INET;
      out['addr4'] = readU32BE(inet.bytes, 0);
    } else {
      out['family'] = AF_INET6;
      out['addr6'] = inet.bytes;
    }
  }
  return out;
}

const token = (value: Token): Token => checkToken(value);
const optionalToken = (value: Token | undefined): Token | undefined => (value === undefined ? undefined : checkToken(value));

/**
 * Requests from typed arguments. Every argument is checked against the ranges in ranges.ts (the
 * CLI's) before encoding: a value out of range is a UsageError, never truncated on the wire.
 */
export const encodeRequest = {
  /** Id absent or 0: the kernel picks one. */
  addEndpoint: (a: AddressInput): PmRequest => request('ADD_ADDR', { addr: addressAttributes(a, 'endpoint', { address: true }) }),

  /** By id (1..255); id 0 needs the address (it then closes matching initial subflows). */
  deleteEndpoint: (id: number, address?: string): PmRequest => {
    checkInteger(id, 'id', ADDRESS_ID);
    if (id === 0 && address === undefined) throw new UsageError('id 0 needs the address of the initial subflows to close', 'address');
    if (id !== 0 && address !== undefined) throw new UsageError('an address can be given only with id 0 (it selects the initial subflows to close)', 'address');
    return request('DEL_ADDR', { addr: addressAttributes(address === undefined ? { id } : { id, address }) });
  },

  getEndpoint: (id: number, token?: Token): PmRequest =>
    request('GET_ADDR', { addr: addressAttributes({ id: checkInteger(id, 'id', ENDPOINT_ID) }), token: optionalToken(token) }),

  listEndpoints: (token?: Token): PmRequest => request('GET_ADDR', { token: optionalToken(token) }, true),

  flushEndpoints: (): PmRequest => request('FLUSH_ADDRS', {}),

  /** Each limit 0..8; absent values are left unchanged by the kernel. */
  setLimits: (limits: Partial<Limits>): PmRequest => {
    if (typeof limits !== 'object' || limits === null) throw new UsageError('invalid limits: expected an object such as { subflows: 2 }', 'limits');
    return request('SET_LIMITS', {
      'rcv-add-addrs': checkOptional(limits.addAddrAccepted, 'limits.addAddrAccepted', LIMIT),
      subflows: checkOptional(limits.subflows, 'limits.subflows', LIMIT),
    });
  },

  getLimits: (): PmRequest => request('GET_LIMITS', {}),

  /**
   * SET_FLAGS. Without a token: the endpoint by address (and port) or by id (1..255); backup and
   * fullmesh are replaced by `local.flags`. With a token and remote: MP_PRIO on matching subflows.
   */
  setFlags: (local: AddressInput, token?: Token, remote?: AddressInput): PmRequest => {
    const tokenValue = optionalToken(token);
    const userspace = tokenValue !== undefined;
    const byId = !userspace && typeof local === 'object' && local !== null && local.address === undefined;
    const addr = addressAttributes(local, userspace ? 'local' : 'endpoint', { address: userspace, id: ENDPOINT_ID, idRequired: byId });
    if (userspace && remote === undefined) throw new UsageError('a subflow priority needs the remote address', 'remote');
    return request('SET_FLAGS', { addr, token: tokenValue, 'addr-remote': remote && addressAttributes(remote, 'remote', { address: true }) });
  },

  /** The local address needs an id of 1..255 (the peer knows the address by it). */
  announce: (t: Token, local: AddressInput): PmRequest =>
    request('ANNOUNCE', { token: token(t), addr: addressAttributes(local, 'local', { address: true, id: ENDPOINT_ID, idRequired: true }) }),

  /** Id 0 withdraws the address of the initial subflow. */
  remove: (t: Token, localId: number): PmRequest => request('REMOVE', { token: token(t), 'loc-id': checkInteger(localId, 'id', ADDRESS_ID) }),

  /** The remote port is where the SYN goes: 1..65535. */
  subflowCreate: (t: Token, local: AddressInput, remote: AddressInput): PmRequest =>
    request('SUBFLOW_CREATE', {
      token: token(t),
      addr: addressAttributes(local, 'local', { address: true }),
      'addr-remote': addressAttributes(remote, 'remote', { address: true, port: EXACT_PORT, portRequired: true }),
    }),

  /** The kernel finds the subflow by both addresses and both exact ports (1..65535). */
  subflowDestroy: (t: Token, local: AddressInput, remote: AddressInput): PmRequest =>
    request('SUBFLOW_DESTROY', {
      token: token(t),
      addr: addressAttributes(local, 'local', { address: true, port: EXACT_PORT, portRequired: true }),
      'addr-remote': addressAttributes(remote, 'remote', { address: true, port: EXACT_PORT, portRequired: true }),
    }),
};

const num = (d: DecodedAttributes, name: string): number | undefined => {
  const v = d.values.get(name);
  return typeof v === 'number' ? v : undefined;
};
const bytes = (d: DecodedAttributes, name: string): Buffer | undefined => {
  const v = d.values.get(name);
  return v instanceof Uint8Array ? (v as Buffer) : undefined;
};

/** An address nest (reply of GET_ADDR) -> Endpoint. */
export function decodeAddress(nest: DecodedAttributes): Endpoint {
  const addr4 = num(nest, 'addr4');
  const addr6 = bytes(nest, 'addr6');
  return {
    id: num(nest, 'id') ?? 0,
    family: num(nest, 'family') ?? 0,
    address: addr4 !== undefined ? formatIPv4Number(addr4) : addr6 ? formatIPv6(addr6) : '',
    port: num(nest, 'port') ?? 0,
    flags: num(nest, 'flags') ?? 0,
    ifindex: num(nest, 'if-idx') ?? 0,
    unknown: nest.unknown,
  };
}

/** The attributes of one GET_ADDR reply message -> Endpoint, or undefined when it has no address nest. */
export function decodeEndpointReply(attributes: Buffer): Endpoint | undefined {
  const top = decodeAttributeSet(attrSet, attributes);
  const nest = top.values.get('addr');
  // instanceof rather than Buffer.isBuffer, which Node would compile for this one call at every start.
  return nest && typeof nest === 'object' && !(nest instanceof Uint8Array) ? decodeAddress(nest) : undefined;
}

/** GET_LIMITS' reply read straight into the record (no table of values: a library may ask often). */
let limitsDecoder: RecordDecoder | undefined;

export function decodeLimitsReply(attributes: Buffer): Limits {
  return limitsIn(attributes, 0, attributes.length);
}

/** The limits in the GET_LIMITS reply at `offset` of `datagram` (`length` bytes), read where it lies. */
export function readLimitsReplyAt(datagram: Buffer, offset: number, length: number): Limits {
  return limitsIn(datagram, genlAttributesAt(offset, length), offset + length);
}

function limitsIn(buf: Buffer, start: number, end: number): Limits {
  const limits: Limits = { subflows: 0, addAddrAccepted: 0 };
  limitsDecoder ??= compileRecordDecoder(attrSet, { subflows: 'subflows', 'rcv-add-addrs': 'addAddrAccepted' }, { only: true });
  decodeRecordAt(limitsDecoder, buf, start, end, limits as unknown as Record<string, unknown>, []);
  return limits;
}

export { decodeEvent, decodeEventDatagram } from './event-decoder.js';

