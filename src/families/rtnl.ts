/**
 * rtnetlink (NETLINK_ROUTE) as data, from include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h
 * and if.h: the messages this tool sends and reads (links, addresses, route lookups), their fixed
 * headers, and the attributes people read. Others show by number in traces.
 */
import { defineAttributeSet, ofKind } from '../netlink/attrset.js';
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

export const ifinfomsg = defineStruct('ifinfomsg', 'family:u8:address-family pad1 type:u16 index:s32 flags:u32:hex change:u32:hex');
export const ifaddrmsg = defineStruct('ifaddrmsg', 'family:u8:address-family prefixlen:u8 flags:u8:hex scope:u8 index:s32');
export const rtmsg = defineStruct('rtmsg', 'family:u8:address-family dst_len:u8 src_len:u8 tos:u8 table:u8 protocol:u8 scope:u8 type:u8 flags:u32:hex');

/** IFLA_*: the link attributes that carry something people read. */
export const linkSet = defineAttributeSet('ifla', [
  ...ofKind('binary', { address: 1, broadcast: 2 }),
  ...ofKind('string', { ifname: 3, qdisc: 6, ifalias: 20 }),
  ...ofKind('u32', { mtu: 4, link: 5, master: 10, txqlen: 13, group: 27, promiscuity: 30, 'num-tx-queues': 31, 'num-rx-queues': 32 }),
  ...ofKind('u8', { operstate: 16, linkmode: 17, carrier: 33 }),
]);

/** IFA_*: an address's attributes. IFA_LOCAL is the interface's own address (IFA_ADDRESS the peer's on point-to-point links). */
export const addrSet = defineAttributeSet('ifa', [
  ...ofKind('binary', { address: 1, local: 2, broadcast: 4 }, 'inet'),
  ...ofKind('binary', { anycast: 5, cacheinfo: 6, multicast: 7 }),
  { id: 3, name: 'label', kind: 'string' },
  /** The 32-bit IFA_F_* (the header holds only the low 8). */
  { id: 8, name: 'flags', kind: 'u32' },
  { id: 9, name: 'rt-priority', kind: 'u32' },
  { id: 10, name: 'target-netnsid', kind: 's32' },
  { id: 11, name: 'proto', kind: 'u8' },
]);

/** RTA_* of a route lookup (`connection explain`); addresses as raw bytes, like IFA_ADDRESS. */
export const routeSet = defineAttributeSet('rta', [
  ...ofKind('binary', { dst: 1, src: 2, gateway: 5, prefsrc: 7 }, 'inet'),
  ...ofKind('u32', { iif: 3, oif: 4, priority: 6, table: 15, uid: 25 }),
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
