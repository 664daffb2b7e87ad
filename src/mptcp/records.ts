/** Typed records that go in and come out of the mptcp_pm codec. */
import type { RawAttribute } from '../netlink/message.js';

/** An MPTCP connection token: a u32, printed as 8 hex digits. */
export type Token = number;

/** An endpoint (in-kernel PM) or a local address of a userspace-PM connection, as the kernel reports it. */
export interface Endpoint {
  /** 1..255 (0 only in unusual replies). */
  id: number;
  /** `AF_INET` (2), `AF_INET6` (10), or 0 if the kernel sent none. */
  family: number;
  /** Canonical text (`10.0.0.1`, `2001:db8::1`), '' if the kernel sent none. */
  address: string;
  /** 0 means no port. Host order on the wire. */
  port: number;
  /** All flag bits as received, including bits this tool does not know. */
  flags: number;
  /** Interface index, 0 when not bound to a device. */
  ifindex: number;
  /** Attributes this tool does not know: kept, never dropped. */
  unknown: RawAttribute[];
}

/** What to send for a local or remote address. Address text must be canonical (see util/inet). */
export interface AddressInput {
  address?: string;
  id?: number;
  port?: number;
  flags?: number;
  ifindex?: number;
}

export interface Limits {
  /** `subflows`: the most extra subflows per connection (0..8). */
  subflows: number;
  /** `add_addr_accepted`: the most ADD_ADDRs accepted per connection (0..8). */
  addAddrAccepted: number;
}

/** A path-manager event from the `mptcp_pm_events` group. Fields appear only when the kernel sent them. */
export interface MptcpEvent {
  /** The genl cmd: 1 CREATED ... 16 LISTENER_CLOSED; unknown values are kept as they are. */
  type: number;
  token?: Token;
  family?: number;
  localId?: number;
  remoteId?: number;
  saddr4?: string;
  saddr6?: string;
  daddr4?: string;
  daddr6?: string;
  /** Host-order port numbers (big-endian on the wire). */
  sport?: number;
  dport?: number;
  backup?: number;
  error?: number;
  /** Event flags: bit0 deny-join-id0, bit1 server-side. */
  flags?: number;
  timeout?: number;
  ifindex?: number;
  resetReason?: number;
  resetFlags?: number;
  /** The deprecated server-side attribute (since 6.18 only sent when 1). */
  serverSide?: number;
  unknown: RawAttribute[];
}
