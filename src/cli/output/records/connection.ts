/**
 * Live MPTCP connections and subflows: one `key value` line per record (stable, for scripts;
 * tokens as 8 hex digits like `monitor`, so they can be pasted into `token TOKEN`), JSON, and
 * a table for terminals. Addresses and struct mptcp_info's fields are named as `ss -Mi` names
 * them; every field the kernel sent is shown.
 */
import { tokenJson, tokenText } from '../token.js';
import type { MptcpConnection, MptcpSubflow, SocketRecord } from '../../../diag/records.js';
import { MptcpInfoFlag } from '../../../diag/mptcp-info.js';
import { ipJson, type IpJsonObject } from '../ip-json.js';
import { ssAddress } from '../ss-address.js';
import type { Paint } from '../colors.js';
import { renderTable, type TableLayout } from '../table.js';

/** Interface index -> name, for the `%dev` of a socket bound to a device. */
export type InterfaceNames = ReadonlyMap<number, string>;
const noNames: InterfaceNames = new Map();

const local = (r: SocketRecord, names: InterfaceNames): string =>
  ssAddress({ family: r.family, address: r.localAddress, port: r.localPort, v6only: r.v6only, ...(r.ifindex ? { dev: names.get(r.ifindex) ?? `if${r.ifindex}` } : {}) });
const remote = (r: SocketRecord): string => ssAddress({ family: r.family, address: r.remoteAddress, port: r.remotePort, v6only: r.v6only });

/** mptcpi_flags as words (ss prints `fallback`, `remote_key`); bits this tool does not know as hex. */
function flagWords(c: MptcpConnection): string {
  const unknown = c.flags & ~(MptcpInfoFlag.fallback | MptcpInfoFlag.remote_key);
  const words: string[] = [...c.flagNames, ...(unknown ? [`0x${unknown.toString(16)}`] : [])];
  return words.join(',') || '-';
}

type FieldValue = number | bigint | string;

/**
 * struct mptcp_info as `[name, value]` in ss -Mi's order and with its names (ss prints only the
 * non-zero ones; here all are printed, so every line has the same keys on one kernel). `subflows`
 * counts the subflows beyond the initial one, as the kernel and ss do; `subflows_total` all of
 * them. Fields newer than the running kernel are absent.
 */
export function connectionInfoFields(c: MptcpConnection): [string, FieldValue][] {
  const f: [string, FieldValue][] = [
    ['subflows', c.extraSubflows],
    ['add_addr_signal', c.addAddrSignal],
    ['add_addr_accepted', c.addAddrAccepted],
    ['subflows_max', c.subflowsMax],
    ['add_addr_signal_max', c.addAddrSignalMax],
    ['add_addr_accepted_max', c.addAddrAcceptedMax],
    ['flags', flagWords(c)],
    ['write_seq', c.writeSeq],
    ['snd_una', c.sndUna],
    ['rcv_nxt', c.rcvNxt],
  ];
  const optional = (name: string, value: FieldValue | boolean | undefined): void => {
    if (value !== undefined) f.push([name, typeof value === 'boolean' ? Number(value) : value]);
  };
  optional('local_addr_used', c.localAddrUsed);
  optional('local_addr_max', c.localAddrMax);
  optional('csum_enabled', c.csumEnabled);
  optional('retransmits', c.retransmits);
  optional('bytes_retrans', c.bytesRetrans);
  optional('bytes_sent', c.bytesSent);
  optional('bytes_received', c.bytesReceived);
  optional('bytes_acked', c.bytesAcked);
  f.push(['subflows_total', c.subflows]);
  optional('endp_laminar_max', c.endpLaminarMax);
  optional('last_data_sent', c.lastDataSent);
  optional('last_data_recv', c.lastDataRecv);
  optional('last_ack_recv', c.lastAckRecv);
  return f;
}

const pairList = (fields: [string, FieldValue][]): string[] => fields.map(([k, v]) => `${k} ${v}`);
const pairs = (fields: [string, FieldValue][]): string => pairList(fields).join(' ');

export function connectionsText(connections: MptcpConnection[], names: InterfaceNames = noNames): string {
  return connections
    .map((c) => `token ${tokenText(c.token)} ${c.state} ${c.side} local ${local(c, names)} remote ${remote(c)} ${pairs(connectionInfoFields(c))}\n`)
    .join('');
}

export function connectionJson(c: MptcpConnection, names: InterfaceNames = noNames): IpJsonObject {
  const obj: IpJsonObject = {
    token: tokenJson(c.token),
    state: c.state,
    side: c.side,
    family: c.family === 10 ? 'inet6' : 'inet',
    local_address: c.localAddress,
    local_port: c.localPort,
    remote_address: c.remoteAddress,
    remote_port: c.remotePort,
    dev: c.ifindex ? (names.get(c.ifindex) ?? `if${c.ifindex}`) : undefined,
  };
  for (const [k, v] of connectionInfoFields(c)) obj[k] = k === 'flags' ? c.flagNames : v;
  obj['inode'] = c.inode;
  obj['uid'] = c.uid;
  return obj;
}

/** Addresses are never wrapped; the INFO column (all of mptcp_info) is, when the terminal is narrow. */
const connectionLayout: TableLayout = { keep: [0, 1, 2, 3, 4], wrap: 5 };

export function connectionsTable(connections: MptcpConnection[], style: Paint, color: boolean, width?: number, names: InterfaceNames = noNames): Promise<string> {
  const rows = connections.map((c) => [tokenText(c.token), c.state, c.side, local(c, names), remote(c), pairList(connectionInfoFields(c))]);
  return renderTable(['TOKEN', 'STATE', 'SIDE', 'LOCAL', 'REMOTE', 'INFO'], rows, style, color, { ...connectionLayout, ...(width ? { width } : {}) });
}

/** The subflow's DSS mapping and peer token, named as in the kernel's subflow attributes. */
function subflowInfoFields(s: MptcpSubflow): [string, FieldValue][] {
  return [
    ['token-rem', tokenText(s.remoteToken)],
    ['relwrite-seq', s.relwriteSeq],
    ['map-seq', s.mapSeq],
    ['map-sfseq', s.mapSfseq],
    ['ssn-offset', s.ssnOffset],
    ['map-datalen', s.mapDatalen],
  ];
}

export function subflowsText(subflows: MptcpSubflow[], names: InterfaceNames = noNames): string {
  return subflows
    .map(
      (s) =>
        `token ${tokenText(s.token)} ${s.state} local ${local(s, names)} remote ${remote(s)} id-loc ${s.localId} id-rem ${s.remoteId}` +
        `${s.backup ? ' backup' : ''} token-rem ${tokenText(s.remoteToken)} flags ${s.flagNames.join(',') || '-'}` +
        ` ${pairs(subflowInfoFields(s).slice(1))}\n`,
    )
    .join('');
}

export function subflowJson(s: MptcpSubflow, names: InterfaceNames = noNames): IpJsonObject {
  return {
    token: tokenJson(s.token),
    state: s.state,
    family: s.family === 10 ? 'inet6' : 'inet',
    local_address: s.localAddress,
    local_port: s.localPort,
    remote_address: s.remoteAddress,
    remote_port: s.remotePort,
    id_loc: s.localId,
    id_rem: s.remoteId,
    backup: s.backup,
    backup_local: s.backupLocal,
    backup_remote: s.backupRemote,
    token_rem: tokenJson(s.remoteToken),
    flags: s.flagNames,
    relwrite_seq: s.relwriteSeq,
    map_seq: s.mapSeq,
    map_sfseq: s.mapSfseq,
    ssn_offset: s.ssnOffset,
    map_datalen: s.mapDatalen,
    ifindex: s.ifindex || undefined,
    dev: s.ifindex ? (names.get(s.ifindex) ?? `if${s.ifindex}`) : undefined,
  };
}

const subflowLayout: TableLayout = { keep: [0, 1, 2, 3, 4], wrap: 6 };

export function subflowsTable(subflows: MptcpSubflow[], style: Paint, color: boolean, width?: number, names: InterfaceNames = noNames): Promise<string> {
  const rows = subflows.map((s) => [
    tokenText(s.token),
    s.state,
    local(s, names),
    remote(s),
    `${s.localId}/${s.remoteId}`,
    [...(s.backup ? ['backup'] : []), ...s.flagNames].join(' '),
    pairList(subflowInfoFields(s)),
  ]);
  return renderTable(['TOKEN', 'STATE', 'LOCAL', 'REMOTE', 'ID LOC/REM', 'FLAGS', 'INFO'], rows, style, color, { ...subflowLayout, ...(width ? { width } : {}) });
}

export const connectionsJson = (c: MptcpConnection[], pretty: boolean, names: InterfaceNames = noNames): string => ipJson(c.map((x) => connectionJson(x, names)), pretty);
export const subflowsJson = (s: MptcpSubflow[], pretty: boolean, names: InterfaceNames = noNames): string => ipJson(s.map((x) => subflowJson(x, names)), pretty);
