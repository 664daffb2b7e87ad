/**
 * inet_diag over NETLINK_SOCK_DIAG, as `ss` uses it: SOCK_DIAG_BY_FAMILY requests (encoded) and
 * their replies, `struct inet_diag_msg` plus attributes (decoded), by the descriptions in
 * families/sock-diag.ts. Pure: no I/O.
 */
import { decodeAttributeSet, readStruct, type DecodedAttributes } from '../netlink/attrset.js';
import { AttributeWriter, encodeMessage, NetlinkDecodeError, NLM_F_DUMP, NLM_F_REQUEST, type RawAttribute } from '../netlink/message.js';
import { AF_INET, AF_INET6 } from '../families/address-family.js';
import { ALL_STATES, INET_DIAG_REQ_BYTECODE, INET_DIAG_REQ_PROTOCOL, InetDiagAttr, inetDiagAttrSet, inetDiagMsg, inetDiagReqV2, IPPROTO_TCP, SOCK_DIAG_BY_FAMILY } from '../families/sock-diag.js';
import { formatIPv4, formatIPv6 } from '../util/inet.js';
import { writeU32LE } from '../util/bytes.js';

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
  const body = Buffer.alloc(inetDiagReqV2.size);
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
  if (payload.length < inetDiagMsg.size) {
    throw new NetlinkDecodeError(`inet_diag_msg of ${payload.length} bytes, expected at least ${inetDiagMsg.size}`);
  }
  const h = readStruct(inetDiagMsg, payload) as Record<string, number> & { src: Buffer; dst: Buffer; cookie: bigint };
  const family = h.family;
  const socket: InetDiagSocket = {
    family,
    state: h['state']!,
    timer: h['timer']!,
    retrans: h['retrans']!,
    sport: h['sport']!,
    dport: h['dport']!,
    src: formatAddress(family, h.src),
    dst: formatAddress(family, h.dst),
    ifindex: h['if']!,
    cookie: h.cookie,
    expires: h['expires']!,
    rqueue: h['rqueue']!,
    wqueue: h['wqueue']!,
    uid: h['uid']!,
    inode: h['inode']!,
    unknown: [],
  };
  const attrs = decodeAttributeSet(inetDiagAttrSet, payload.subarray(inetDiagMsg.size));
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
