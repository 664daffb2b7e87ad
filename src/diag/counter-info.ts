/**
 * What the kernel's MPTcpExt counters mean (net/mptcp/mib.c and mib.h, Linux 5.6 to 6.18), and
 * their groups. A name missing here (a newer kernel's) still gets a group from its prefix, and
 * is shown without a meaning rather than dropped. Pure tables.
 */

export type CounterGroup = 'handshake' | 'joins' | 'addresses' | 'fallback' | 'blackhole' | 'data' | 'subflows' | 'other';

/** Groups in display order, with their headings. */
export const counterGroups: readonly { group: CounterGroup; title: string }[] = [
  { group: 'handshake', title: 'handshake (MP_CAPABLE)' },
  { group: 'joins', title: 'joins (MP_JOIN)' },
  { group: 'addresses', title: 'addresses (ADD_ADDR/RM_ADDR)' },
  { group: 'fallback', title: 'fallback to TCP' },
  { group: 'blackhole', title: 'blackhole (MPTCP options dropped on the path)' },
  { group: 'data', title: 'data level (mappings, checksums, queues, errors)' },
  { group: 'subflows', title: 'subflows (priority, failures, resets)' },
  { group: 'other', title: 'other' },
];

/** Counters that the kernel also decrements: gauges, not counters (Prometheus types them so). */
export const gaugeCounters: ReadonlySet<string> = new Set(['MPCurrEstab']);

/** Named exceptions to the prefix rules below. */
const groupByName: Readonly<Record<string, CounterGroup>> = {
  MPCapableSYNTXDrop: 'blackhole',
  MPCapableSYNTXDisabled: 'blackhole',
  MPCurrEstab: 'handshake',
  MPTCPRetrans: 'data',
  MPFailTx: 'data',
  MPFailRx: 'data',
};

/** First match wins: fallback before handshake, so MPCapableFallbackACK is a fallback. */
const groupRules: readonly [RegExp, CounterGroup][] = [
  [/Fallback|^InfiniteMap/, 'fallback'],
  [/^Blackhole/, 'blackhole'],
  [/^MPCapable/, 'handshake'],
  [/^(MPJoin|MismatchPort)/, 'joins'],
  [/^(AddAddr|EchoAdd|PortAdd|RmAddr)/, 'addresses'],
  [/^(DSS|Dss|DataCsum|NoDSS|OFO|Duplicate|SndWnd|RcvWnd|RcvPruned|WinProbe)/, 'data'],
  [/^(MPPrio|MPFastclose|MPRst|RmSubflow|Subflow)/, 'subflows'],
];

/** The group of counter `name`, from its name alone (unknown names included). */
export function counterGroup(name: string): CounterGroup {
  return (Object.hasOwn(groupByName, name) ? groupByName[name] : undefined) ?? groupRules.find(([re]) => re.test(name))?.[1] ?? 'other';
}

/** One line per known counter, in the kernel's words where they are clear. */
export const counterMeanings: Readonly<Record<string, string>> = {
  MPCapableSYNRX: 'SYNs received with MP_CAPABLE (incoming MPTCP connection attempts)',
  MPCapableSYNTX: 'SYNs sent with MP_CAPABLE (outgoing MPTCP connection attempts)',
  MPCapableSYNACKRX: 'SYN/ACKs received with MP_CAPABLE (the peer accepted MPTCP)',
  MPCapableACKRX: 'third ACKs received with MP_CAPABLE (incoming MPTCP handshakes completed)',
  MPCapableFallbackACK: 'server side fell back to TCP during the handshake (third ACK without MP_CAPABLE)',
  MPCapableFallbackSYNACK: 'client side fell back to TCP during the handshake (SYN/ACK without MP_CAPABLE)',
  MPCapableSYNTXDrop: 'SYNs with MP_CAPABLE apparently dropped on the path, retried as plain TCP',
  MPCapableSYNTXDisabled: 'connections made as plain TCP because MPTCP was disabled after a blackhole',
  MPCapableEndpAttempt: 'MP_CAPABLE SYNs refused on an endpoint port (those ports take only joins)',
  MPCapableDataFallback: 'fell back to TCP after the handshake, when data came without a DSS mapping',
  MPFallbackTokenInit: 'fell back to TCP because no token could be allocated',
  MPCurrEstab: 'MPTCP connections established now (a gauge: goes down too)',
  MPTCPRetrans: 'segments retransmitted at the MPTCP level (on another subflow)',
  MPJoinNoTokenFound: 'MP_JOIN SYNs for a token that matches no connection',
  MPJoinSynRx: 'SYNs received with MP_JOIN (the peer opens an extra subflow)',
  MPJoinSynBackupRx: 'SYNs received with MP_JOIN and the backup flag',
  MPJoinSynAckRx: 'SYN/ACKs received with MP_JOIN (an extra subflow of ours was accepted)',
  MPJoinSynAckBackupRx: 'SYN/ACKs received with MP_JOIN and the backup flag',
  MPJoinSynAckHMacFailure: 'SYN/ACKs with MP_JOIN whose HMAC was wrong',
  MPJoinAckRx: 'third ACKs received with MP_JOIN (incoming extra subflows completed)',
  MPJoinAckHMacFailure: 'third ACKs with MP_JOIN whose HMAC was wrong',
  MPJoinRejected: 'MP_JOINs the path manager refused (limits, userspace PM without a listener)',
  MPJoinSynTx: 'SYNs sent with MP_JOIN (extra subflows we opened)',
  MPJoinSynTxCreatSkErr: 'extra subflows not opened: the socket could not be created',
  MPJoinSynTxBindErr: 'extra subflows not opened: bind() of the local address failed',
  MPJoinSynTxConnectErr: 'extra subflows not opened: connect() failed',
  MPJoinPortSynRx: 'MP_JOIN SYNs received on an endpoint port',
  MPJoinPortSynAckRx: 'MP_JOIN SYN/ACKs received from an announced port',
  MPJoinPortAckRx: 'MP_JOIN third ACKs received on an endpoint port',
  MismatchPortSynRx: 'MP_JOIN SYNs on a port that does not match the announced one',
  MismatchPortAckRx: 'MP_JOIN third ACKs on a port that does not match the announced one',
  AddAddr: 'ADD_ADDRs received (the peer announced an address)',
  AddAddrTx: 'ADD_ADDRs sent (we announced an address)',
  AddAddrTxDrop: 'ADD_ADDRs not sent for lack of resources',
  AddAddrDrop: 'ADD_ADDRs received and dropped (add_addr_accepted limit, or nothing listening under the userspace PM)',
  EchoAdd: 'ADD_ADDR echoes received (the peer acknowledged our announcement)',
  EchoAddTx: 'ADD_ADDR echoes sent (we acknowledged an announcement)',
  EchoAddTxDrop: 'ADD_ADDR echoes not sent for lack of resources',
  PortAdd: 'ADD_ADDRs received with a port',
  RmAddr: 'RM_ADDRs received (the peer withdrew an address)',
  RmAddrDrop: 'RM_ADDRs received and dropped',
  RmAddrTx: 'RM_ADDRs sent (we withdrew an address)',
  RmAddrTxDrop: 'RM_ADDRs not sent for lack of resources',
  RmSubflow: 'subflows removed',
  DSSNotMatching: 'DSS mappings that contradicted the previous one',
  DSSCorruptionFallback: 'corrupted DSS mappings that made the connection fall back to TCP',
  DSSCorruptionReset: 'corrupted DSS mappings that reset the subflow',
  DSSNoMatchTCP: "DSS mappings that did not match TCP's sequence numbers",
  DssFallback: 'fell back to TCP on a bad or missing DSS option',
  InfiniteMapTx: 'infinite mappings sent (falling back to TCP on this connection)',
  InfiniteMapRx: 'infinite mappings received (the peer falls back to TCP)',
  DataCsumErr: 'data checksum failures (a middlebox changed the payload)',
  OFOQueueTail: 'segments added at the tail of the MPTCP out-of-order queue',
  OFOQueue: 'segments added to the MPTCP out-of-order queue',
  OFOMerge: 'segments merged in the MPTCP out-of-order queue',
  NoDSSInWindow: 'segments dropped: outside the MPTCP receive window',
  DuplicateData: 'segments dropped: data already received on another subflow',
  RcvPruned: 'incoming segments dropped at the memory limit',
  SndWndShared: "subflow send windows overridden by the connection's",
  RcvWndShared: "subflow receive windows overridden by the connection's",
  RcvWndConflictUpdate: 'receive window conflicts between subflows, solved by an update',
  RcvWndConflict: 'receive window conflicts between subflows',
  WinProbe: 'MPTCP-level zero-window probes sent',
  MPPrioTx: 'MP_PRIOs sent (a subflow priority changed)',
  MPPrioRx: 'MP_PRIOs received',
  MPFailTx: 'MP_FAILs sent (checksum failure reported to the peer)',
  MPFailRx: 'MP_FAILs received',
  MPFastcloseTx: 'MP_FASTCLOSEs sent (connections aborted)',
  MPFastcloseRx: 'MP_FASTCLOSEs received',
  MPRstTx: 'MP_TCPRSTs sent (subflows reset with a reason)',
  MPRstRx: 'MP_TCPRSTs received',
  SubflowStale: 'subflows that went stale (no progress; the scheduler avoids them)',
  SubflowRecover: 'stale subflows that recovered',
  Blackhole: 'blackholes detected (MPTCP options dropped after the handshake)',
  MD5SigFallback: 'fell back to TCP: TCP MD5 signatures are in use',
  SimultConnectFallback: 'fell back to TCP on a simultaneous connect',
  FallbackFailed: 'fallbacks to TCP that could not be done (the connection was reset)',
};

/** The meaning of counter `name`; undefined for a name this table does not know (own keys only). */
export function counterMeaning(name: string): string | undefined {
  return Object.hasOwn(counterMeanings, name) ? counterMeanings[name] : undefined;
}

/** A counter with its group and meaning (undefined for names this table does not know). */
export interface CounterInfo {
  name: string;
  value: number;
  group: CounterGroup;
  meaning: string | undefined;
}

/** Groups counters in display order, each group's counters in the kernel's order. Pure. */
export function groupCounters(counters: readonly { name: string; value: number }[]): { group: CounterGroup; title: string; counters: CounterInfo[] }[] {
  const infos = counters.map((c) => ({ ...c, group: counterGroup(c.name), meaning: counterMeaning(c.name) }));
  return counterGroups.map((g) => ({ ...g, counters: infos.filter((i) => i.group === g.group) })).filter((g) => g.counters.length > 0);
}
