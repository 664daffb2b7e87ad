/**
 * The IP addresses configured in a namespace (RTM_GETADDR dump, as `ip -n NS addr show` reads
 * them): the lint checks that each endpoint's address is really there. Decoding is pure.
 */
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import type { TraceHook } from './exchange.js';
import { decodeAttributes } from './message.js';
import { rtnlDump } from './rtnl.js';
import type { TransportOptions } from './transport.js';
import { readI32LE, readU32LE, subarrayOf } from '../util/bytes.js';

export const RTM_NEWADDR = 20;
export const RTM_GETADDR = 22;
/** struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index }. */
export const IFADDRMSG_SIZE = 8;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_FLAGS = 8;
const AF_INET = 2;
const AF_INET6 = 10;

/** One configured address. */
export interface InterfaceAddress {
  ifindex: number;
  /** AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** Canonical text. */
  address: string;
  prefixLength: number;
  /** RT_SCOPE_*: 0 universe, 253 link, 254 host. */
  scope: number;
  /** IFA_F_* (the 32-bit IFA_FLAGS when sent, else the header's 8 bits). */
  flags: number;
}

/** Every address of every interface of the namespace. */
export async function listAddresses(options: TransportOptions = {}, trace?: TraceHook): Promise<InterfaceAddress[]> {
  return decodeAddresses(await rtnlDump(options, { type: RTM_GETADDR, operation: 'RTM_GETADDR', headerSize: IFADDRMSG_SIZE, replyType: RTM_NEWADDR }, trace));
}

/** RTM_NEWADDR payloads -> addresses (IPv4 and IPv6 only). Pure. */
export function decodeAddresses(payloads: Buffer[]): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const payload of payloads) {
    if (payload.length < IFADDRMSG_SIZE) continue;
    const family = payload[0]!;
    if (family !== AF_INET && family !== AF_INET6) continue;
    let local: Buffer | undefined;
    let address: Buffer | undefined;
    let flags = payload[2]!;
    for (const attr of decodeAttributes(subarrayOf(payload, IFADDRMSG_SIZE))) {
      if (attr.type === IFA_LOCAL) local = attr.data;
      if (attr.type === IFA_ADDRESS) address = attr.data;
      if (attr.type === IFA_FLAGS && attr.data.length >= 4) flags = readU32LE(attr.data, 0);
    }
    // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on point-to-point links).
    const bytes = local ?? address;
    const size = family === AF_INET ? 4 : 16;
    if (!bytes || bytes.length !== size) continue;
    out.push({
      ifindex: readI32LE(payload, 4),
      family,
      address: family === AF_INET ? formatIPv4(bytes) : formatIPv6(bytes),
      prefixLength: payload[1]!,
      scope: payload[3]!,
      flags,
    });
  }
  return out;
}
