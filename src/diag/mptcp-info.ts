/**
 * `struct mptcp_info` (include/uapi/linux/mptcp.h), the INET_DIAG_INFO payload of an MPTCP
 * socket, decoded by its layout in families/sock-diag.ts. Pure. The struct grew over the years,
 * always at its end, so each field is read only when the kernel's copy reaches it: a shorter
 * struct from an older kernel simply lacks the later fields, and a longer one from a newer kernel
 * keeps its extra bytes in `trailing`.
 */
import { readStruct } from '../netlink/attrset.js';
import { mptcpInfo, mptcpInfoFlags, type MptcpInfoFlagName } from '../families/sock-diag.js';

export { MptcpInfoFlag, type MptcpInfoFlagName } from '../families/sock-diag.js';

/** The fields of struct mptcp_info this tool knows; absent ones were not in the kernel's copy. */
export interface MptcpInfo {
  /** Bytes of the struct the kernel sent (96 on 6.10+). */
  size: number;
  // 5.9
  /** mptcpi_subflows: subflows beyond the initial one ("extra" subflows). */
  subflows?: number;
  addAddrSignal?: number;
  addAddrAccepted?: number;
  /** In-kernel PM limit of extra subflows (0 under other path managers). */
  subflowsMax?: number;
  /** Number of `signal` endpoints (mptcpi_endp_signal_max since 6.18). */
  addAddrSignalMax?: number;
  addAddrAcceptedMax?: number;
  flags?: number;
  token?: number;
  writeSeq?: bigint;
  sndUna?: bigint;
  rcvNxt?: bigint;
  // 5.12
  localAddrUsed?: number;
  /** Number of `subflow` endpoints (mptcpi_endp_subflow_max since 6.18). */
  localAddrMax?: number;
  // 5.14
  csumEnabled?: number;
  // 6.5
  retransmits?: number;
  bytesRetrans?: bigint;
  bytesSent?: bigint;
  bytesReceived?: bigint;
  bytesAcked?: bigint;
  // 6.8
  /** mptcpi_subflows_total: extra subflows + 1 while the initial subflow is alive. */
  subflowsTotal?: number;
  // 6.18
  endpLaminarMax?: number;
  // 6.10
  lastDataSent?: number;
  lastDataRecv?: number;
  lastAckRecv?: number;
  /** Bytes beyond the last known field (a newer kernel's additions), raw. */
  trailing?: Buffer;
}

/** sizeof(struct mptcp_info) as of 6.18. */
export const MPTCP_INFO_KNOWN_SIZE = mptcpInfo.size;

/** Decodes as many fields as `buf` holds; never reads past its end. */
export function decodeMptcpInfo(buf: Buffer): MptcpInfo {
  const info: MptcpInfo = { size: buf.length, ...(readStruct(mptcpInfo, buf) as Omit<MptcpInfo, 'size'>) };
  if (buf.length > MPTCP_INFO_KNOWN_SIZE) info.trailing = Buffer.from(buf.subarray(MPTCP_INFO_KNOWN_SIZE));
  return info;
}

/** Names of the known MPTCP_INFO_FLAG_* bits set in `flags`; unknown bits stay in the number. */
export function mptcpInfoFlagNames(flags: number): MptcpInfoFlagName[] {
  return mptcpInfoFlags.words(flags);
}
