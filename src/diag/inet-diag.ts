/**
 * inet_diag over NETLINK_SOCK_DIAG, as `ss` uses it: SOCK_DIAG_BY_FAMILY requests (encoded) and
 * their replies, `struct inet_diag_msg` plus attributes (decoded). Pure: no I/O.
 *
 * Layouts from include/uapi/linux/inet_diag.h; host byte order unless marked BE:
 *   inet_diag_sockid { be16 sport; be16 dport; be32 src[4]; be32 dst[4]; u32 if; u32 cookie[2] }  48 bytes
 *   inet_diag_req_v2 { u8 family; u8 protocol; u8 ext; u8 pad; u32 states; sockid }              56 bytes
 *   inet_diag_msg    { u8 family; u8 state; u8 timer; u8 retrans; sockid;
 *                      u32 expires; u32 rqueue; u32 wqueue; u32 uid; u32 inode }                   72 bytes
 */
import { defineAttributeSet, decodeAttributeSet, type AttributeSetSpec, type DecodedAttributes } from '../netlink/attrset.js';
import { AttributeWriter, encodeMessage, NetlinkDecodeError, NLM_F_DUMP, NLM_F_REQUEST, type RawAttribute } from '../netlink/message.js';
import { subflowAttrSet, AF_INET, AF_INET6 } from '../mptcp/spec.js';
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import { readU16BE, readU32LE, subarrayOf, writeU32LE } from '../util/bytes.js';

/** nlmsg_type of requests and of every socket in the replies. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const IPPROTO_TCP = 6;
/** Above 255: does not fit inet_diag_req_v2's u8 protocol field (see encodeInetDiagRequest). */
export const IPPROTO_MPTCP = 262;

/** Sizes of the fixed structs, in bytes. */
export const INET_DIAG_SOCKID_SIZE = 48;
export const INET_DIAG_REQ_V2_SIZE = 56;
export const INET_DIAG_MSG_SIZE = 72;

/** Reply attribute ids (`INET_DIAG_*`). Only ids 1..8 can be asked for in the request's `ext` byte. */
export const InetDiagAttr = {
  MEMINFO: 1,
  INFO: 2,
  VEGASINFO: 3,
  CONG: 4,
  TOS: 5,
  TCLASS: 6,
  SKMEMINFO: 7,
  SHUTDOWN: 8,
  DCTCPINFO: 9,
  PROTOCOL: 10,
  SKV6ONLY: 11,
  LOCALS: 12,
  PEERS: 13,
  PAD: 14,
  MARK: 15,
  BBRINFO: 16,
  CLASS_ID: 17,
  MD5SIG: 18,
  ULP_INFO: 19,
  SK_BPF_STORAGES: 20,
  CGROUP_ID: 21,
  SOCKOPT: 22,
} as const;

/** Request attribute: the filter program (inet-diag-bytecode.ts). */
export const INET_DIAG_REQ_BYTECODE = 1;
/** Request attribute: the protocol as a u32, for protocols that do not fit the u8 field (MPTCP = 262). */
export const INET_DIAG_REQ_PROTOCOL = 3;

/** Members of the INET_DIAG_ULP_INFO nest (`INET_ULP_INFO_*`). */
export const UlpInfoAttr = { NAME: 1, TLS: 2, MPTCP: 3 } as const;

/** Every TCP state, as the `idiag_states` bitmask wants it. */
export const ALL_STATES = 0xffffffff;

/** The ULP nest; kTLS is kept raw, MPTCP's member is the `subflow-attribute` set. */
export const ulpInfoSet: AttributeSetSpec = defineAttributeSet('inet-ulp-info', [
  { id: UlpInfoAttr.NAME, name: 'name', kind: 'string' },
  { id: UlpInfoAttr.TLS, name: 'tls', kind: 'binary' },
  { id: UlpInfoAttr.MPTCP, name: 'mptcp', kind: 'nest', nested: () => subflowAttrSet },
]);

/**
 * The reply attributes this tool reads. The kernel nests without NLA_F_NESTED here
 * (nla_nest_start_noflag); the codec decodes a nest by its spec, not by that bit.
 */
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

/** What to ask for in one SOCK_DIAG_BY_FAMILY request. */
export interface InetDiagRequest {
  /** AF_INET or AF_INET6: it selects the kernel's handler, so one request covers one family. */
  family: number;
  /** IPPROTO_TCP, IPPROTO_MPTCP, ... */
  protocol: number;
  /** Reply attributes to ask for (ids 1..8 of InetDiagAttr), e.g. [InetDiagAttr.INFO]. */
  extensions?: readonly number[];
  /** Bitmask of TCP states (bit n = state n); ALL_STATES by default. */
  states?: number;
  /** false: look one socket up by `cookie` (MPTCP: cookie[0] = token) instead of dumping. */
  dump?: boolean;
  /** Socket cookie for a lookup: low 32 bits in cookie[0], high in cookie[1]. */
  cookie?: bigint;
  /** Filter program (inet-diag-bytecode.ts): the kernel returns only the sockets it accepts. */
  bytecode?: Buffer;
}

/** Encodes a complete SOCK_DIAG_BY_FAMILY message (nlmsghdr + inet_diag_req_v2 [+ protocol attribute]). */
export function encodeInetDiagRequest(req: InetDiagRequest, seq: number): Buffer {
  const body = Buffer.alloc(INET_DIAG_REQ_V2_SIZE);
  let ext = 0;
  for (const id of req.extensions ?? []) {
    if (!Number.isInteger(id) || id < 1 || id > 8) throw new RangeError(`inet_diag extension ${id} cannot be requested in the ext byte (1..8 only)`);
    ext |= 1 << (id - 1);
  }
  const wide = req.protocol > 0xff;
  body[0] = req.family;
  // The u8 field cannot hold 262; the kernel then reads INET_DIAG_REQ_PROTOCOL and ignores this byte.
  body[1] = wide ? IPPROTO_TCP : req.protocol;
  body[2] = ext;
  writeU32LE(body, (req.states ?? ALL_STATES) >>> 0, 4);
  const cookie = req.cookie ?? 0n;
  writeU32LE(body, Number(cookie & 0xffffffffn), 8 + 40);
  writeU32LE(body, Number((cookie >> 32n) & 0xffffffffn), 8 + 44);
  const writer = new AttributeWriter();
  if (req.bytecode) writer.put(INET_DIAG_REQ_BYTECODE, req.bytecode);
  if (wide) writer.u32(INET_DIAG_REQ_PROTOCOL, req.protocol);
  const attrs = writer.toBuffer();
  const flags = NLM_F_REQUEST | (req.dump === false ? 0 : NLM_F_DUMP);
  return encodeMessage({ type: SOCK_DIAG_BY_FAMILY, flags, seq, pid: 0 }, Buffer.concat([body, attrs]));
}

/** The ULP ("upper layer protocol") of a TCP socket: "mptcp" on MPTCP subflows. */
export interface UlpInfo {
  name: string;
  /** INET_ULP_INFO_MPTCP, decoded with the `subflow-attribute` set; absent on listening sockets. */
  mptcp?: DecodedAttributes;
  /** INET_ULP_INFO_TLS, raw. */
  tls?: Buffer;
  unknown: RawAttribute[];
}

/** One socket of a reply: struct inet_diag_msg and the attributes after it. */
export interface InetDiagSocket {
  family: number;
  /** Kernel TCP_* state (1 ESTABLISHED ... 10 LISTEN ...). */
  state: number;
  /** 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe. */
  timer: number;
  retrans: number;
  sport: number;
  dport: number;
  /** Canonical address text; IPv4 uses only the first 4 of the 16 bytes. */
  src: string;
  dst: string;
  /** Bound device index (idiag_if), 0 if none. */
  ifindex: number;
  /** The socket cookie (`sk:` in ss): cookie[1] << 32 | cookie[0]. */
  cookie: bigint;
  /** Timer expiry in ms. */
  expires: number;
  rqueue: number;
  wqueue: number;
  uid: number;
  inode: number;
  /** INET_DIAG_INFO, raw: tcp_info for TCP, mptcp_info for MPTCP. */
  info?: Buffer;
  ulp?: UlpInfo;
  /** INET_DIAG_PROTOCOL, when the kernel sends it. */
  protocol?: number;
  shutdown?: number;
  mark?: number;
  cgroupId?: bigint;
  skv6only?: number;
  sockopt?: number;
  /** Attributes this tool does not decode: kept, never dropped. */
  unknown: RawAttribute[];
}

/**
 * Decodes the payload of one SOCK_DIAG_BY_FAMILY reply. The fixed header is the same since
 * Linux 2.6, so a shorter one is corrupt (NetlinkDecodeError); attributes never are fatal.
 */
export function decodeInetDiagMessage(payload: Buffer): InetDiagSocket {
  if (payload.length < INET_DIAG_MSG_SIZE) {
    throw new NetlinkDecodeError(`inet_diag_msg of ${payload.length} bytes, expected at least ${INET_DIAG_MSG_SIZE}`);
  }
  const family = payload[0]!;
  const socket: InetDiagSocket = {
    family,
    state: payload[1]!,
    timer: payload[2]!,
    retrans: payload[3]!,
    sport: readU16BE(payload, 4),
    dport: readU16BE(payload, 6),
    src: formatAddress(family, subarrayOf(payload, 8, 24)),
    dst: formatAddress(family, subarrayOf(payload, 24, 40)),
    ifindex: readU32LE(payload, 40),
    cookie: (BigInt(readU32LE(payload, 48)) << 32n) | BigInt(readU32LE(payload, 44)),
    expires: readU32LE(payload, 52),
    rqueue: readU32LE(payload, 56),
    wqueue: readU32LE(payload, 60),
    uid: readU32LE(payload, 64),
    inode: readU32LE(payload, 68),
    unknown: [],
  };
  const attrs = decodeAttributeSet(inetDiagAttrSet, subarrayOf(payload, INET_DIAG_MSG_SIZE));
  const v = attrs.values;
  if (v.has('info')) socket.info = v.get('info') as Buffer;
  if (v.has('ulp-info')) socket.ulp = toUlpInfo(v.get('ulp-info') as DecodedAttributes);
  if (v.has('protocol')) socket.protocol = v.get('protocol') as number;
  if (v.has('shutdown')) socket.shutdown = v.get('shutdown') as number;
  if (v.has('mark')) socket.mark = v.get('mark') as number;
  if (v.has('cgroup-id')) socket.cgroupId = v.get('cgroup-id') as bigint;
  if (v.has('skv6only')) socket.skv6only = v.get('skv6only') as number;
  if (v.has('sockopt')) socket.sockopt = v.get('sockopt') as number;
  // PAD only aligns the 64-bit INFO payload; it carries nothing worth keeping.
  socket.unknown = attrs.unknown.filter((a) => a.type !== InetDiagAttr.PAD);
  return socket;
}

function toUlpInfo(nest: DecodedAttributes): UlpInfo {
  const ulp: UlpInfo = { name: (nest.values.get('name') as string | undefined) ?? '', unknown: nest.unknown };
  const mptcp = nest.values.get('mptcp');
  if (mptcp !== undefined) ulp.mptcp = mptcp as DecodedAttributes;
  const tls = nest.values.get('tls');
  if (tls !== undefined) ulp.tls = tls as Buffer;
  return ulp;
}

function formatAddress(family: number, bytes: Buffer): string {
  if (family === AF_INET) return formatIPv4(bytes);
  if (family === AF_INET6) return formatIPv6(bytes);
  return bytes.toString('hex');
}
