/**
 * A socket's address and port as `ss -n` prints them (iproute2's inet_addr_print): IPv6 in
 * brackets, `*` for the IPv6 wildcard of a socket that also takes IPv4 (not v6only), `*` for port
 * 0, and `%IFNAME` after the local address of a socket bound to a device. Pure.
 */
import { AF_INET6 } from '../../families/mptcp-pm.js';

export interface SsAddressParts {
  family: number;
  address: string;
  port: number;
  /** IPV6_V6ONLY: `::` is then printed as `[::]`, not `*`. */
  v6only?: boolean;
  /** The bound device's name (local side only). */
  dev?: string;
}

export function ssAddress(p: SsAddressParts): string {
  let host: string;
  if (p.family === AF_INET6 || p.address.includes(':')) host = p.address === '::' && !p.v6only ? '*' : `[${p.address}]`;
  else host = p.address;
  return `${host}${p.dev ? `%${p.dev}` : ''}:${p.port === 0 ? '*' : p.port}`;
}
