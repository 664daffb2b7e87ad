/**
 * The IP addresses configured in a namespace (RTM_GETADDR dump, as `ip -n NS addr show` reads
 * them): the lint checks that each endpoint's address is really there. Decoding is pure.
 */
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import { decodeAttributeSet, readStruct } from './attrset.js';
import { rtnlReader } from './rtnl.js';
import { AF_INET, AF_INET6 } from '../families/address-family.js';
import { addrSet, ifaddrmsg, RTM_GETADDR } from '../families/rtnl.js';

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
export const listAddresses = rtnlReader(RTM_GETADDR, decodeAddresses);

/** RTM_NEWADDR payloads -> addresses (IPv4 and IPv6 only). Pure. */
export function decodeAddresses(payloads: Buffer[]): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const payload of payloads) {
    if (payload.length < ifaddrmsg.size) continue;
    const h = readStruct(ifaddrmsg, payload) as Record<string, number>;
    const family = h['family']!;
    if (family !== AF_INET && family !== AF_INET6) continue;
    const attrs = decodeAttributeSet(addrSet, payload.subarray(ifaddrmsg.size)).values;
    // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on point-to-point links).
    const bytes = (attrs.get('local') ?? attrs.get('address')) as Buffer | undefined;
    const size = family === AF_INET ? 4 : 16;
    if (!bytes || bytes.length !== size) continue;
    out.push({
      ifindex: h['index']!,
      family,
      address: family === AF_INET ? formatIPv4(bytes) : formatIPv6(bytes),
      prefixLength: h['prefixlen']!,
      scope: h['scope']!,
      flags: (attrs.get('flags') as number | undefined) ?? h['flags']!,
    });
  }
  return out;
}
