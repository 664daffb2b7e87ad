/**
 * `struct mptcp_info` (include/uapi/linux/mptcp.h), the INET_DIAG_INFO payload of an MPTCP
 * socket, decoded from a table of offsets. Pure. The struct grew over the years (5.9, 5.12, 5.14,
 * 6.5, 6.8, 6.10, 6.18), always at its end, so each field is read only when the kernel's copy
 * reaches it: a shorter struct from an older kernel simply lacks the later fields, and a longer
 * one from a newer kernel keeps its extra bytes in `trailing`.
 */
import { readU32LE, readU64LE } from '../util/bytes.js';

/** MPTCP_INFO_FLAG_* bits of `mptcpi_flags`, named as `ss -M` prints them. */
export const MptcpInfoFlag = {
  fallback: 0x1,
  remote_key: 0x2,
} as const;
export type MptcpInfoFlagName = keyof typeof MptcpInfoFlag;

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

type NumberField = { [K in keyof MptcpInfo]-?: MptcpInfo[K] extends number | undefined ? K : never }[keyof MptcpInfo];
type BigintField = { [K in keyof MptcpInfo]-?: MptcpInfo[K] extends bigint | undefined ? K : never }[keyof MptcpInfo];
type Field =
  | { name: Exclude<NumberField, 'size'>; offset: number; kind: 'u8' | 'u32' }
  | { name: BigintField; offset: number; kind: 'u64' };

const size = { u8: 1, u32: 4, u64: 8 } as const;

/** Offsets follow C layout: two holes (6..7 and 43) and reserved bytes 82..83 are skipped. */
const layout: readonly Field[] = [
  { name: 'subflows', offset: 0, kind: 'u8' },
  { name: 'addAddrSignal', offset: 1, kind: 'u8' },
  { name: 'addAddrAccepted', offset: 2, kind: 'u8' },
  { name: 'subflowsMax', offset: 3, kind: 'u8' },
  { name: 'addAddrSignalMax', offset: 4, kind: 'u8' },
  { name: 'addAddrAcceptedMax', offset: 5, kind: 'u8' },
  { name: 'flags', offset: 8, kind: 'u32' },
  { name: 'token', offset: 12, kind: 'u32' },
  { name: 'writeSeq', offset: 16, kind: 'u64' },
  { name: 'sndUna', offset: 24, kind: 'u64' },
  { name: 'rcvNxt', offset: 32, kind: 'u64' },
  { name: 'localAddrUsed', offset: 40, kind: 'u8' },
  { name: 'localAddrMax', offset: 41, kind: 'u8' },
  { name: 'csumEnabled', offset: 42, kind: 'u8' },
  { name: 'retransmits', offset: 44, kind: 'u32' },
  { name: 'bytesRetrans', offset: 48, kind: 'u64' },
  { name: 'bytesSent', offset: 56, kind: 'u64' },
  { name: 'bytesReceived', offset: 64, kind: 'u64' },
  { name: 'bytesAcked', offset: 72, kind: 'u64' },
  { name: 'subflowsTotal', offset: 80, kind: 'u8' },
  { name: 'endpLaminarMax', offset: 81, kind: 'u8' },
  { name: 'lastDataSent', offset: 84, kind: 'u32' },
  { name: 'lastDataRecv', offset: 88, kind: 'u32' },
  { name: 'lastAckRecv', offset: 92, kind: 'u32' },
];

/** sizeof(struct mptcp_info) as of 6.18. */
export const MPTCP_INFO_KNOWN_SIZE = 96;

/** Decodes as many fields as `buf` holds; never reads past its end. */
export function decodeMptcpInfo(buf: Buffer): MptcpInfo {
  const info: MptcpInfo = { size: buf.length };
  for (const field of layout) {
    if (field.offset + size[field.kind] > buf.length) continue;
    if (field.kind === 'u64') info[field.name] = readU64LE(buf, field.offset);
    else info[field.name] = field.kind === 'u8' ? buf[field.offset]! : readU32LE(buf, field.offset);
  }
  if (buf.length > MPTCP_INFO_KNOWN_SIZE) info.trailing = Buffer.from(buf.subarray(MPTCP_INFO_KNOWN_SIZE));
  return info;
}

/** Names of the known MPTCP_INFO_FLAG_* bits set in `flags`; unknown bits stay in the number. */
export function mptcpInfoFlagNames(flags: number): MptcpInfoFlagName[] {
  return (Object.keys(MptcpInfoFlag) as MptcpInfoFlagName[]).filter((name) => (flags & MptcpInfoFlag[name]) !== 0);
}
