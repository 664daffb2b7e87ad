/**
 * The IP addresses configured in a namespace (RTM_GETADDR dump, as `ip -n NS addr show` reads
 * them): the lint checks that each endpoint's address is really there. Decoding is pure.
 */
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import { KernelError } from './errors.js';
import { dumpConsistently, type TraceHook } from './exchange.js';
import { decodeAttributes, encodeMessage, NLM_F_DUMP, NLM_F_REQUEST } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';

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
  const transport = NetlinkTransport.open(NETLINK_ROUTE, options);
  try {
    let seq = Math.floor(Date.now() / 1000);
    const replies = await dumpConsistently(transport, () => ({
      message: encodeMessage({ type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: ++seq, pid: 0 }, Buffer.alloc(IFADDRMSG_SIZE)),
      operation: 'RTM_GETADDR',
      toError: (ack) => new KernelError({ errno: -ack.error, operation: 'RTM_GETADDR', message: ack.message }),
      trace,
    }));
    return decodeAddresses(replies.filter((m) => m.type === RTM_NEWADDR).map((m) => m.payload));
  } finally {
    await transport.close();
  }
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
    for (const attr of decodeAttributes(payload.subarray(IFADDRMSG_SIZE))) {
      if (attr.type === IFA_LOCAL) local = attr.data;
      if (attr.type === IFA_ADDRESS) address = attr.data;
      if (attr.type === IFA_FLAGS && attr.data.length >= 4) flags = attr.data.readUInt32LE(0);
    }
    // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on point-to-point links).
    const bytes = local ?? address;
    const size = family === AF_INET ? 4 : 16;
    if (!bytes || bytes.length !== size) continue;
    out.push({
      ifindex: payload.readInt32LE(4),
      family,
      address: family === AF_INET ? formatIPv4(bytes) : formatIPv6(bytes),
      prefixLength: payload[1]!,
      scope: payload[3]!,
      flags,
    });
  }
  return out;
}
