/**
 * Typed records of MPTCP connections and subflows, built from decoded inet_diag sockets. Pure.
 */
import type { DecodedAttributes } from '../netlink/attrset.js';
import type { RawAttribute } from '../netlink/message.js';
import type { Token } from '../mptcp/records.js';
import { SubflowFlag } from '../families/sock-diag.js';
import type { InetDiagSocket } from './inet-diag.js';
import { decodeMptcpInfo, mptcpInfoFlagNames, type MptcpInfoFlagName } from './mptcp-info.js';

/** Kernel TCP state -> the name `ss` prints (TCP_CLOSE is "UNCONN" there). */
const stateNames: ReadonlyMap<number, string> = new Map([
  [1, 'ESTAB'],
  [2, 'SYN-SENT'],
  [3, 'SYN-RECV'],
  [4, 'FIN-WAIT-1'],
  [5, 'FIN-WAIT-2'],
  [6, 'TIME-WAIT'],
  [7, 'UNCONN'],
  [8, 'CLOSE-WAIT'],
  [9, 'LAST-ACK'],
  [10, 'LISTEN'],
  [11, 'CLOSING'],
  [12, 'NEW-SYN-RECV'],
  [13, 'BOUND-INACTIVE'],
]);
export const TCP_LISTEN = 10;
const TCP_CLOSE = 7;

/** The ss name of kernel TCP state `state`; `UNKNOWN-<n>` for values this tool does not know. */
export function stateName(state: number): string {
  return stateNames.get(state) ?? `UNKNOWN-${state}`;
}

/** What every socket record has: its identity and queue counters from struct inet_diag_msg. */
export interface SocketRecord {
  /** AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** State as ss names it: ESTAB, LISTEN, SYN-SENT, ... */
  state: string;
  /** The kernel's TCP_* value of `state`. */
  stateId: number;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  /** 0 for a listener. */
  remotePort: number;
  /** Index of the device the socket is bound to, 0 if none. */
  ifindex: number;
  /** IPV6_V6ONLY (INET_DIAG_SKV6ONLY): an IPv6 socket that takes no IPv4. */
  v6only: boolean;
  /** Socket cookie (ss: `sk:`), unique per boot. */
  cookie: bigint;
  inode: number;
  uid: number;
  /** Recv-Q / Send-Q as ss shows them (for a listener: accept queue and backlog). */
  recvQ: number;
  sendQ: number;
  /** Socket attributes this tool does not decode, kept raw. */
  unknown: RawAttribute[];
}

/** How `side` was told, strongest evidence first. */
export type SideEvidence =
  /** The socket listens. */
  | 'listening'
  /** The initial subflow's MP_CAPABLE flags: only the side that sent it in its SYN has mcap_loc. */
  | 'initial-subflow'
  /** No initial subflow left, but an MPTCP listener owns the local port: the connection was accepted. */
  | 'listener-port'
  /** Neither: most likely opened with connect(), but the kernel does not say so. */
  | 'no-listener';

/** An MPTCP connection (the MPTCP-level socket), from inet_diag with `struct mptcp_info`. */
export interface MptcpConnection extends SocketRecord {
  /** Local token (mptcpi_token); 0 for listeners. */
  token: Token;
  /** 'client' if this end opened the connection, 'server' if it accepted it (or listens). */
  side: 'server' | 'client';
  sideEvidence: SideEvidence;
  /**
   * All subflows: the kernel's mptcpi_subflows_total (6.8+), which counts the initial subflow only
   * while it is alive; on older kernels extraSubflows + 1 for any connection that is not a
   * listener or closed.
   */
  subflows: number;
  /** mptcpi_subflows: subflows beyond the initial one. */
  extraSubflows: number;
  addAddrSignal: number;
  addAddrAccepted: number;
  /** In-kernel PM limits and endpoint counts (0 under the userspace PM). */
  subflowsMax: number;
  addAddrSignalMax: number;
  addAddrAcceptedMax: number;
  localAddrUsed?: number;
  localAddrMax?: number;
  endpLaminarMax?: number;
  /** mptcpi_flags, every bit as received. */
  flags: number;
  flagNames: MptcpInfoFlagName[];
  csumEnabled?: boolean;
  writeSeq: bigint;
  sndUna: bigint;
  rcvNxt: bigint;
  retransmits?: number;
  bytesRetrans?: bigint;
  bytesSent?: bigint;
  bytesReceived?: bigint;
  bytesAcked?: bigint;
  /** Milliseconds since the last data sent / received and the last ack received. */
  lastDataSent?: number;
  lastDataRecv?: number;
  lastAckRecv?: number;
  /** Bytes of struct mptcp_info the kernel sent: which optional fields this kernel has. */
  infoSize: number;
  /** Bytes of mptcp_info beyond what this tool knows (a newer kernel), raw. */
  infoTrailing?: Buffer;
}

export type SubflowFlagName = keyof typeof SubflowFlag;

/** One MPTCP subflow: a TCP socket whose ULP is "mptcp", with its INET_ULP_INFO_MPTCP nest. */
export interface MptcpSubflow extends SocketRecord {
  /** token-loc: equals the token of the connection this subflow belongs to. */
  token: Token;
  /** token-rem: the peer's token, known on MP_JOIN subflows only (0 on the initial one). */
  remoteToken: Token;
  localId: number;
  remoteId: number;
  /** MPTCP_SUBFLOW_FLAG_* bits as received. */
  flags: number;
  flagNames: SubflowFlagName[];
  /** Either end asked for backup priority. */
  backup: boolean;
  /** bkup_loc: this end asked the peer to treat the subflow as backup. */
  backupLocal: boolean;
  /** bkup_rem: the peer asked for backup priority. */
  backupRemote: boolean;
  relwriteSeq: number;
  /** Data sequence number of the current mapping (64 bit). */
  mapSeq: bigint;
  mapSfseq: number;
  ssnOffset: number;
  mapDatalen: number;
  /** Members of the INET_ULP_INFO_MPTCP nest this tool does not know, kept raw. */
  subflowUnknown: RawAttribute[];
  /** Members of the INET_DIAG_ULP_INFO nest this tool does not know, kept raw. */
  ulpUnknown: RawAttribute[];
}

function socketRecord(s: InetDiagSocket): SocketRecord {
  return {
    family: s.family,
    state: stateName(s.state),
    stateId: s.state,
    localAddress: s.src,
    localPort: s.sport,
    remoteAddress: s.dst,
    remotePort: s.dport,
    ifindex: s.ifindex,
    v6only: s.skv6only === 1,
    cookie: s.cookie,
    inode: s.inode,
    uid: s.uid,
    recvQ: s.rqueue,
    sendQ: s.wqueue,
    unknown: s.unknown,
  };
}

/** A connection before its side is known (that needs the subflows, see assignSides). */
export type ConnectionWithoutSide = Omit<MptcpConnection, 'side' | 'sideEvidence'>;

/** Builds a connection from a socket of an IPPROTO_MPTCP dump; missing mptcp_info fields read as 0. */
export function toConnection(s: InetDiagSocket): ConnectionWithoutSide {
  const info = decodeMptcpInfo(s.info ?? Buffer.alloc(0));
  const extra = info.subflows ?? 0;
  const alive = s.state !== TCP_LISTEN && s.state !== TCP_CLOSE;
  // Object.assign, not `{ ...socketRecord(s), ... }`: V8 spent 25-60 us per record on that spread
  // with more members after it (reading 1,000 connections took over 100 ms).
  const conn: ConnectionWithoutSide = Object.assign(socketRecord(s), {
    token: info.token ?? 0,
    subflows: info.subflowsTotal ?? (alive ? extra + 1 : 0),
    extraSubflows: extra,
    addAddrSignal: info.addAddrSignal ?? 0,
    addAddrAccepted: info.addAddrAccepted ?? 0,
    subflowsMax: info.subflowsMax ?? 0,
    addAddrSignalMax: info.addAddrSignalMax ?? 0,
    addAddrAcceptedMax: info.addAddrAcceptedMax ?? 0,
    flags: info.flags ?? 0,
    flagNames: mptcpInfoFlagNames(info.flags ?? 0),
    writeSeq: info.writeSeq ?? 0n,
    sndUna: info.sndUna ?? 0n,
    rcvNxt: info.rcvNxt ?? 0n,
    infoSize: info.size,
  });
  // Fields newer than 5.9 appear only when this kernel sent them.
  if (info.localAddrUsed !== undefined) conn.localAddrUsed = info.localAddrUsed;
  if (info.localAddrMax !== undefined) conn.localAddrMax = info.localAddrMax;
  if (info.endpLaminarMax !== undefined) conn.endpLaminarMax = info.endpLaminarMax;
  if (info.csumEnabled !== undefined) conn.csumEnabled = info.csumEnabled !== 0;
  if (info.retransmits !== undefined) conn.retransmits = info.retransmits;
  if (info.bytesRetrans !== undefined) conn.bytesRetrans = info.bytesRetrans;
  if (info.bytesSent !== undefined) conn.bytesSent = info.bytesSent;
  if (info.bytesReceived !== undefined) conn.bytesReceived = info.bytesReceived;
  if (info.bytesAcked !== undefined) conn.bytesAcked = info.bytesAcked;
  if (info.lastDataSent !== undefined) conn.lastDataSent = info.lastDataSent;
  if (info.lastDataRecv !== undefined) conn.lastDataRecv = info.lastDataRecv;
  if (info.lastAckRecv !== undefined) conn.lastAckRecv = info.lastAckRecv;
  if (info.trailing !== undefined) conn.infoTrailing = info.trailing;
  return conn;
}

const subflowFlagNames = Object.keys(SubflowFlag) as SubflowFlagName[];

/**
 * Builds a subflow from a socket of an IPPROTO_TCP dump, or undefined if the socket is not one:
 * its ULP must be "mptcp" and carry the MPTCP nest. A TCP listener under an MPTCP listener has
 * the ULP name but no nest (the kernel skips it for LISTEN); it is not a subflow.
 */
export function toSubflow(s: InetDiagSocket): MptcpSubflow | undefined {
  if (s.ulp?.name !== 'mptcp' || !s.ulp.mptcp) return undefined;
  const nest: DecodedAttributes = s.ulp.mptcp;
  const num = (name: string): number => (nest.values.get(name) as number | undefined) ?? 0;
  const flags = num('flags');
  // Object.assign for the reason given in toConnection.
  return Object.assign(socketRecord(s), {
    token: num('token-loc'),
    remoteToken: num('token-rem'),
    localId: num('id-loc'),
    remoteId: num('id-rem'),
    flags,
    flagNames: subflowFlagNames.filter((name) => (flags & SubflowFlag[name]) !== 0),
    backup: (flags & (SubflowFlag.bkup_loc | SubflowFlag.bkup_rem)) !== 0,
    backupLocal: (flags & SubflowFlag.bkup_loc) !== 0,
    backupRemote: (flags & SubflowFlag.bkup_rem) !== 0,
    relwriteSeq: num('relwrite-seq'),
    mapSeq: (nest.values.get('map-seq') as bigint | undefined) ?? 0n,
    mapSfseq: num('map-sfseq'),
    ssnOffset: num('ssn-offset'),
    mapDatalen: num('map-datalen'),
    subflowUnknown: nest.unknown,
    ulpUnknown: s.ulp.unknown,
  });
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** `c` with its side: a new object (Object.assign for the reason given in toConnection). */
function withSide(c: ConnectionWithoutSide, side: MptcpConnection['side'], sideEvidence: SideEvidence): MptcpConnection {
  return Object.assign({}, c, { side, sideEvidence });
}

/**
 * Tells each connection's side. struct mptcp_info has no such field, so the evidence is, in order:
 * the LISTEN state; the initial subflow's flags (the kernel sets mcap_loc only on the subflow whose
 * SYN carried MP_CAPABLE, i.e. the connecting end, also after a fallback to TCP, while the accepting
 * end has mcap_rem alone); failing that (the initial subflow is gone), an MPTCP listener on the
 * local port means the connection was accepted; otherwise it is taken to be a client.
 */
export function assignSides(
  connections: readonly ConnectionWithoutSide[],
  subflows: readonly MptcpSubflow[],
  /** The namespace's MPTCP listeners, when `connections` may not hold them all (a filtered dump). */
  allListeners?: readonly ConnectionWithoutSide[],
): MptcpConnection[] {
  const mpCapable = SubflowFlag.mcap_loc | SubflowFlag.mcap_rem;
  const initial = new Map<number, MptcpSubflow>();
  for (const sf of subflows) if (sf.flags & mpCapable) initial.set(sf.token, sf);
  const listeners = (allListeners ?? connections).filter((c) => c.stateId === TCP_LISTEN);
  const listenedOn = (c: ConnectionWithoutSide): boolean =>
    listeners.some(
      (l) => l.localPort === c.localPort && (UNSPECIFIED.has(l.localAddress) || l.localAddress === c.localAddress || l.localAddress === `::ffff:${c.localAddress}`),
    );
  return connections.map((c): MptcpConnection => {
    if (c.stateId === TCP_LISTEN) return withSide(c, 'server', 'listening');
    const first = c.token !== 0 ? initial.get(c.token) : undefined;
    if (first) return withSide(c, first.flags & SubflowFlag.mcap_loc ? 'client' : 'server', 'initial-subflow');
    if (listenedOn(c)) return withSide(c, 'server', 'listener-port');
    return withSide(c, 'client', 'no-listener');
  });
}
