/**
 * rtnetlink (NETLINK_ROUTE) as data, from include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h
 * and if.h: the messages this tool sends and reads (links, addresses, route lookups), their fixed
 * headers, and the attributes people read. Others show by number in traces.
 */
import { defineAttributeSet } from '../netlink/attrset.js';
import { defineStruct, type MessageLayout } from '../netlink/describe.js';

export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_GETROUTE = 26;

/** Multicast groups: link changes, IPv4 and IPv6 address changes. */
export const RTNLGRP_LINK = 1;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV6_IFADDR = 9;

/** IFF_* bits of ifinfomsg.flags. */
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
/** Up and with a carrier (operational). */
export const IFF_RUNNING = 0x40;
/** The link has carrier (for a veth: its peer is up too). */
export const IFF_LOWER_UP = 0x10000;

export const ifinfomsg = defineStruct('ifinfomsg', 16, [
  { name: 'family', offset: 0, kind: 'u8', hint: 'address-family' },
  { name: 'type', offset: 2, kind: 'u16' },
  { name: 'index', offset: 4, kind: 's32' },
  { name: 'flags', offset: 8, kind: 'u32', hint: 'hex' },
  { name: 'change', offset: 12, kind: 'u32', hint: 'hex' },
]);

export const ifaddrmsg = defineStruct('ifaddrmsg', 8, [
  { name: 'family', offset: 0, kind: 'u8', hint: 'address-family' },
  { name: 'prefixlen', offset: 1, kind: 'u8' },
  { name: 'flags', offset: 2, kind: 'u8', hint: 'hex' },
  { name: 'scope', offset: 3, kind: 'u8' },
  { name: 'index', offset: 4, kind: 's32' },
]);

export const rtmsg = defineStruct('rtmsg', 12, [
  { name: 'family', offset: 0, kind: 'u8', hint: 'address-family' },
  ...['dst_len', 'src_len', 'tos', 'table', 'protocol', 'scope', 'type'].map((name, i) => ({ name, offset: 1 + i, kind: 'u8' as const })),
  { name: 'flags', offset: 8, kind: 'u32', hint: 'hex' },
]);

/** IFLA_*: the link attributes that carry something people read. */
export const linkSet = defineAttributeSet('ifla', [
  { id: 1, name: 'address', kind: 'binary' },
  { id: 2, name: 'broadcast', kind: 'binary' },
  { id: 3, name: 'ifname', kind: 'string' },
  { id: 4, name: 'mtu', kind: 'u32' },
  { id: 5, name: 'link', kind: 'u32' },
  { id: 6, name: 'qdisc', kind: 'string' },
  { id: 10, name: 'master', kind: 'u32' },
  { id: 13, name: 'txqlen', kind: 'u32' },
  { id: 16, name: 'operstate', kind: 'u8' },
  { id: 17, name: 'linkmode', kind: 'u8' },
  { id: 20, name: 'ifalias', kind: 'string' },
  { id: 27, name: 'group', kind: 'u32' },
  { id: 30, name: 'promiscuity', kind: 'u32' },
  { id: 31, name: 'num-tx-queues', kind: 'u32' },
  { id: 32, name: 'num-rx-queues', kind: 'u32' },
  { id: 33, name: 'carrier', kind: 'u8' },
]);

/** IFA_*: an address's attributes. IFA_LOCAL is the interface's own address (IFA_ADDRESS the peer's on point-to-point links). */
export const addrSet = defineAttributeSet('ifa', [
  { id: 1, name: 'address', kind: 'binary', hint: 'inet' },
  { id: 2, name: 'local', kind: 'binary', hint: 'inet' },
  { id: 3, name: 'label', kind: 'string' },
  { id: 4, name: 'broadcast', kind: 'binary', hint: 'inet' },
  { id: 5, name: 'anycast', kind: 'binary' },
  { id: 6, name: 'cacheinfo', kind: 'binary' },
  { id: 7, name: 'multicast', kind: 'binary' },
  /** The 32-bit IFA_F_* (the header holds only the low 8). */
  { id: 8, name: 'flags', kind: 'u32' },
  { id: 9, name: 'rt-priority', kind: 'u32' },
  { id: 10, name: 'target-netnsid', kind: 's32' },
  { id: 11, name: 'proto', kind: 'u8' },
]);

/** RTA_* of a route lookup (`connection explain`); addresses as raw bytes, like IFA_ADDRESS. */
export const routeSet = defineAttributeSet('rta', [
  { id: 1, name: 'dst', kind: 'binary', hint: 'inet' },
  { id: 2, name: 'src', kind: 'binary', hint: 'inet' },
  { id: 3, name: 'iif', kind: 'u32' },
  { id: 4, name: 'oif', kind: 'u32' },
  { id: 5, name: 'gateway', kind: 'binary', hint: 'inet' },
  { id: 6, name: 'priority', kind: 'u32' },
  { id: 7, name: 'prefsrc', kind: 'binary', hint: 'inet' },
  { id: 15, name: 'table', kind: 'u32' },
  { id: 25, name: 'uid', kind: 'u32' },
]);

const link = { header: ifinfomsg, attributes: linkSet };
const addr = { header: ifaddrmsg, attributes: addrSet };
const route = { header: rtmsg, attributes: routeSet };

/** Each message type this tool sends or reads, with its header and attribute set. */
export const rtnlMessages: ReadonlyMap<number, MessageLayout> = new Map([
  [RTM_NEWLINK, { name: 'RTM_NEWLINK', ...link }],
  [RTM_GETLINK, { name: 'RTM_GETLINK', ...link }],
  [RTM_NEWADDR, { name: 'RTM_NEWADDR', ...addr }],
  [RTM_GETADDR, { name: 'RTM_GETADDR', ...addr }],
  [RTM_NEWROUTE, { name: 'RTM_NEWROUTE', ...route }],
  [RTM_GETROUTE, { name: 'RTM_GETROUTE', ...route }],
]);
