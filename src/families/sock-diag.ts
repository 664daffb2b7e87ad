/**
 * sock_diag (NETLINK_SOCK_DIAG) as data, as `ss` speaks it: inet_diag (include/uapi/linux/
 * inet_diag.h) with MPTCP's subflow attributes and struct mptcp_info (mptcp.h), and netlink_diag
 * (netlink_diag.h). Host byte order unless the kind says be16/be32. The kernel nests without
 * NLA_F_NESTED here (nla_nest_start_noflag); the codec decodes a nest by its spec, not by that bit.
 */
import { defineAttributeSet, type AttributeSetSpec } from '../netlink/attrset.js';
import { defineFlags, defineStruct, numbered, type MessageLayout } from '../netlink/describe.js';
import { AF_NETLINK } from './address-family.js';

/** nlmsg_type of requests and of every socket in the replies. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const IPPROTO_TCP = 6;
/** Above 255: does not fit inet_diag_req_v2's u8 protocol field (see encodeInetDiagRequest). */
export const IPPROTO_MPTCP = 262;
/** Every TCP state, as the `idiag_states` bitmask wants it. */
export const ALL_STATES = 0xffffffff;

/** struct inet_diag_sockid: ports (BE), addresses (16 bytes; IPv4 uses the first 4), if, cookie[2] (one u64 in host order). */
const sockid = 'sport:be16 dport:be16 src:bytes16:inet dst:bytes16:inet if:u32 cookie:u64:hex';

export const inetDiagReqV2 = defineStruct('inet_diag_req_v2', `family:u8:address-family protocol:u8 ext:u8:hex pad1 states:u32:hex ${sockid}`);
export const inetDiagMsg = defineStruct('inet_diag_msg', `family:u8:address-family state:u8 timer:u8 retrans:u8 ${sockid} expires:u32 rqueue:u32 wqueue:u32 uid:u32 inode:u32`);

/** Reply attribute ids (`INET_DIAG_*`), from 1. Only ids 1..8 can be asked for in the request's `ext` byte. */
export const InetDiagAttr = numbered(1, [
  'MEMINFO',
  'INFO',
  'VEGASINFO',
  'CONG',
  'TOS',
  'TCLASS',
  'SKMEMINFO',
  'SHUTDOWN',
  'DCTCPINFO',
  'PROTOCOL',
  'SKV6ONLY',
  'LOCALS',
  'PEERS',
  'PAD',
  'MARK',
  'BBRINFO',
  'CLASS_ID',
  'MD5SIG',
  'ULP_INFO',
  'SK_BPF_STORAGES',
  'CGROUP_ID',
  'SOCKOPT',
] as const);

/** Request attributes: the filter program (inet-diag-bytecode.ts), and the protocol as a u32 for those above 255 (MPTCP). */
export const INET_DIAG_REQ_BYTECODE = 1;
export const INET_DIAG_REQ_PROTOCOL = 3;
export const inetDiagRequestSet = defineAttributeSet('inet-diag-req', [
  { id: INET_DIAG_REQ_BYTECODE, name: 'bytecode', kind: 'binary' },
  { id: INET_DIAG_REQ_PROTOCOL, name: 'protocol', kind: 'u32' },
]);

/**
 * Filter bytecode (INET_DIAG_REQ_BYTECODE): the ops this tool sends, each an inet_diag_bc_op
 * (`yes`/`no`: byte offsets to jump forward by), a host condition adding inet_diag_hostcond and
 * the address, a device condition the ifindex (u32).
 */
export const BytecodeOp = { S_COND: 7, D_COND: 8, DEV_COND: 9 } as const;
export const inetDiagBcOp = defineStruct('inet_diag_bc_op', 'code:u8 yes:u8 no:u16');
export const inetDiagHostcond = defineStruct('inet_diag_hostcond', 'family:u8:address-family prefix_len:u8 pad2 port:s32');

/** MPTCP_SUBFLOW_FLAG_*: the flags of a subflow's ULP info. */
export const SubflowFlag = {
  mcap_rem: 0x001,
  mcap_loc: 0x002,
  join_rem: 0x004,
  join_loc: 0x008,
  bkup_rem: 0x010,
  bkup_loc: 0x020,
  fully_established: 0x040,
  connected: 0x080,
  mapvalid: 0x100,
} as const;
export const subflowFlags = defineFlags(SubflowFlag);

/** MPTCP_SUBFLOW_ATTR_*: the INET_ULP_INFO_MPTCP nest of a subflow. */
export const subflowAttrSet: AttributeSetSpec = defineAttributeSet('subflow-attribute', [
  { id: 1, name: 'token-rem', kind: 'u32' },
  { id: 2, name: 'token-loc', kind: 'u32' },
  { id: 3, name: 'relwrite-seq', kind: 'u32' },
  { id: 4, name: 'map-seq', kind: 'u64' },
  { id: 5, name: 'map-sfseq', kind: 'u32' },
  { id: 6, name: 'ssn-offset', kind: 'u32' },
  { id: 7, name: 'map-datalen', kind: 'u16' },
  { id: 8, name: 'flags', kind: 'u32', hint: { flags: subflowFlags } },
  { id: 9, name: 'id-rem', kind: 'u8' },
  { id: 10, name: 'id-loc', kind: 'u8' },
  { id: 11, name: 'pad', kind: 'pad' },
]);

/** INET_ULP_INFO_*: the ULP nest; kTLS is kept raw. */
export const ulpInfoSet: AttributeSetSpec = defineAttributeSet('inet-ulp-info', [
  { id: 1, name: 'name', kind: 'string' },
  { id: 2, name: 'tls', kind: 'binary' },
  { id: 3, name: 'mptcp', kind: 'nest', nested: () => subflowAttrSet },
]);

/** The reply attributes this tool reads. */
export const inetDiagAttrSet: AttributeSetSpec = defineAttributeSet('inet-diag', [
  { id: InetDiagAttr.INFO, name: 'info', kind: 'binary' },
  { id: InetDiagAttr.SHUTDOWN, name: 'shutdown', kind: 'u8' },
  { id: InetDiagAttr.PROTOCOL, name: 'protocol', kind: 'u8' },
  { id: InetDiagAttr.SKV6ONLY, name: 'skv6only', kind: 'u8' },
  { id: InetDiagAttr.PAD, name: 'pad', kind: 'pad' },
  { id: InetDiagAttr.MARK, name: 'mark', kind: 'u32' },
  { id: InetDiagAttr.ULP_INFO, name: 'ulp-info', kind: 'nest', nested: () => ulpInfoSet },
  { id: InetDiagAttr.CGROUP_ID, name: 'cgroup-id', kind: 'u64' },
  { id: InetDiagAttr.SOCKOPT, name: 'sockopt', kind: 'u16' },
]);

/** MPTCP_INFO_FLAG_* bits of `mptcpi_flags`, named as `ss -M` prints them. */
export const MptcpInfoFlag = { fallback: 0x1, remote_key: 0x2 } as const;
export type MptcpInfoFlagName = keyof typeof MptcpInfoFlag;
export const mptcpInfoFlags = defineFlags(MptcpInfoFlag);

/**
 * struct mptcp_info, the INET_DIAG_INFO payload of an MPTCP socket (96 bytes as of 6.18). It grew
 * at its end (5.9, 5.12, 5.14, 6.5, 6.8, 6.10, 6.18); C layout leaves holes at 6..7 and 43, and
 * 82..83 are reserved. Field names are the record's (diag/mptcp-info.ts).
 */
export const mptcpInfo = defineStruct(
  'mptcp_info',
  `subflows:u8 addAddrSignal:u8 addAddrAccepted:u8 subflowsMax:u8 addAddrSignalMax:u8 addAddrAcceptedMax:u8 pad2
   flags:u32 token:u32:token writeSeq:u64 sndUna:u64 rcvNxt:u64
   localAddrUsed:u8 localAddrMax:u8 csumEnabled:u8 pad1
   retransmits:u32 bytesRetrans:u64 bytesSent:u64 bytesReceived:u64 bytesAcked:u64
   subflowsTotal:u8 endpLaminarMax:u8 pad2
   lastDataSent:u32 lastDataRecv:u32 lastAckRecv:u32`,
);

export const netlinkDiagReq = defineStruct('netlink_diag_req', 'family:u8:address-family protocol:u8 pad2 ino:u32 show:u32:hex cookie:u64:hex');
export const netlinkDiagMsg = defineStruct('netlink_diag_msg', 'family:u8:address-family type:u8 protocol:u8 state:u8 portid:u32 dst_portid:u32 dst_group:u32 ino:u32 cookie:u64:hex');

/** netlink_diag_req.show: ask for each socket's groups. */
export const NDIAG_SHOW_GROUPS = 0x2;
export const NETLINK_DIAG_GROUPS = 1;
export const netlinkDiagSet = defineAttributeSet('netlink-diag', [
  { id: 0, name: 'meminfo', kind: 'binary' },
  /** The socket's group bitmap (unsigned longs, host order): bit g-1 = group g. */
  { id: NETLINK_DIAG_GROUPS, name: 'groups', kind: 'binary', hint: 'groups' },
  { id: 4, name: 'flags', kind: 'u32' },
]);

/** A SOCK_DIAG_BY_FAMILY message's layout: netlink_diag or inet_diag by its first byte (the family), request or reply. */
export function sockDiagLayout(type: number, payload: Buffer, direction: 'send' | 'receive'): MessageLayout | undefined {
  if (type !== SOCK_DIAG_BY_FAMILY) return undefined;
  const name = 'SOCK_DIAG_BY_FAMILY';
  if (payload[0] === AF_NETLINK) return direction === 'send' ? { name, header: netlinkDiagReq } : { name, header: netlinkDiagMsg, attributes: netlinkDiagSet };
  return direction === 'send' ? { name, header: inetDiagReqV2, attributes: inetDiagRequestSet } : { name, header: inetDiagMsg, attributes: inetDiagAttrSet };
}
