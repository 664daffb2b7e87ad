/**
 * Typed mptcp_pm requests -> attribute bytes, and reply/event attribute bytes -> typed records.
 * Pure: driven by the attribute sets in spec.ts, no I/O.
 */
import { decodeAttributeSet, encodeAttributeSet, type AttributeInput, type DecodedAttributes } from '../netlink/attrset.js';
import { formatIPv4Number, formatIPv6, parseInet } from '../util/inet.js';
import { AF_INET, AF_INET6, attrSet, Command, requestSetOf, type CommandName } from './spec.js';
import type { AddressInput, Endpoint, Limits, Token } from './records.js';
import { readU32BE } from '../util/bytes.js';

/** A request ready for the generic netlink layer. */
export interface PmRequest {
  command: CommandName;
  cmd: number;
  /** Send as a dump (NLM_F_DUMP) rather than a do. */
  dump: boolean;
  /** The top-level attributes, encoded. */
  attributes: Buffer;
}

function request(command: CommandName, input: AttributeInput, dump = false): PmRequest {
  const cmd = Command[command];
  const set = requestSetOf(cmd);
  return { command, cmd, dump, attributes: encodeAttributeSet(set, input).toBuffer() };
}

/**
 * The address nest, in the order iproute2 writes it: id, flags, if-idx, port, family, address.
 * Throws a plain Error on non-canonical address text: callers validate user input first.
 */
export function addressAttributes(a: AddressInput): AttributeInput {
  const out: AttributeInput = {};
  if (a.id !== undefined) out['id'] = a.id;
  if (a.flags) out['flags'] = a.flags;
  if (a.ifindex) out['if-idx'] = a.ifindex;
  if (a.port) out['port'] = a.port;
  if (a.address !== undefined) {
    const inet = parseInet(a.address);
    if (!inet) throw new Error(`not an IPv4 or IPv6 address: "${a.address}"`);
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

export const encodeRequest = {
  addEndpoint: (a: AddressInput): PmRequest => request('ADD_ADDR', { addr: addressAttributes(a) }),

  /** By id; id 0 needs the address (it then closes matching initial subflows). */
  deleteEndpoint: (id: number, address?: string): PmRequest =>
    request('DEL_ADDR', { addr: addressAttributes(address === undefined ? { id } : { id, address }) }),

  getEndpoint: (id: number, token?: Token): PmRequest =>
    request('GET_ADDR', { addr: addressAttributes({ id }), token }),

  listEndpoints: (token?: Token): PmRequest => request('GET_ADDR', { token }, true),

  flushEndpoints: (): PmRequest => request('FLUSH_ADDRS', {}),

  /** Absent values are left unchanged by the kernel. */
  setLimits: (limits: Partial<Limits>): PmRequest =>
    request('SET_LIMITS', { 'rcv-add-addrs': limits.addAddrAccepted, subflows: limits.subflows }),

  getLimits: (): PmRequest => request('GET_LIMITS', {}),

  /**
   * SET_FLAGS. Without a token: the endpoint by address (and port) or by id; backup and fullmesh
   * are replaced by `local.flags`. With a token and remote: MP_PRIO on matching subflows.
   */
  setFlags: (local: AddressInput, token?: Token, remote?: AddressInput): PmRequest =>
    request('SET_FLAGS', {
      addr: addressAttributes(local),
      token,
      'addr-remote': remote && addressAttributes(remote),
    }),

  announce: (token: Token, local: AddressInput): PmRequest =>
    request('ANNOUNCE', { token, addr: addressAttributes(local) }),

  remove: (token: Token, localId: number): PmRequest => request('REMOVE', { token, 'loc-id': localId }),

  subflowCreate: (token: Token, local: AddressInput, remote: AddressInput): PmRequest =>
    request('SUBFLOW_CREATE', { token, addr: addressAttributes(local), 'addr-remote': addressAttributes(remote) }),

  subflowDestroy: (token: Token, local: AddressInput, remote: AddressInput): PmRequest =>
    request('SUBFLOW_DESTROY', { token, addr: addressAttributes(local), 'addr-remote': addressAttributes(remote) }),
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

export function decodeLimitsReply(attributes: Buffer): Limits {
  const top = decodeAttributeSet(attrSet, attributes);
  return { subflows: num(top, 'subflows') ?? 0, addAddrAccepted: num(top, 'rcv-add-addrs') ?? 0 };
}

export { decodeEvent, decodeEventDatagram } from './event-decoder.js';

