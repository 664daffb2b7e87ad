/**
 * Live MPTCP connections and subflows: one `key value` line per record (stable, for scripts;
 * tokens as 8 hex digits like `monitor`, so they can be pasted into `token TOKEN`), JSON, and
 * a table for terminals, all from one item list per record. Addresses and struct mptcp_info's
 * fields are named as `ss -Mi` names them; every field the kernel sent is shown.
 */
import { tokenJson, tokenText } from '../token.js';
import type { MptcpConnection, MptcpSubflow, SocketRecord } from '../../../diag/records.js';
import { MptcpInfoFlag } from '../../../diag/mptcp-info.js';
import type { Paint } from '../colors.js';
import { interfaceName, type InterfaceNames } from '../interface-names.js';
import type { Item, Scalar } from '../items.js';
import { itemsJson } from '../items-json.js';
import { itemsTable, type Column } from '../items-table.js';
import { itemsText } from '../items-text.js';
import { ssAddress } from '../ss-address.js';

const noNames: InterfaceNames = new Map();

/** The device a socket is bound to: `%dev` after the local address in text, `dev` in JSON. */
const devName = (r: SocketRecord, names: InterfaceNames): string | undefined => (r.ifindex ? interfaceName(names, r.ifindex) : undefined);

/** `name value` in the text (after a blank) and in the INFO cell; `key` in JSON. */
const info = (key: string, value: Scalar, name = key): Item => ({ key, json: value, text: ` ${name} ${value}`, column: 'INFO', cell: `${name} ${value}` });

/**
 * A socket's token, state (and side), then its two ends: as ss prints them in text and tables,
 * as separate address and port in JSON.
 */
function socketItems(r: SocketRecord & { token: number }, side: string | undefined, names: InterfaceNames): Item[] {
  const dev = devName(r, names);
  const local = ssAddress({ family: r.family, address: r.localAddress, port: r.localPort, v6only: r.v6only, ...(dev ? { dev } : {}) });
  const remote = ssAddress({ family: r.family, address: r.remoteAddress, port: r.remotePort, v6only: r.v6only });
  return [
    { key: 'token', json: tokenJson(r.token), text: `token ${tokenText(r.token)}`, column: 'TOKEN', cell: tokenText(r.token) },
    { key: 'state', json: r.state, text: ` ${r.state}`, column: 'STATE' },
    ...(side === undefined ? [] : [{ key: 'side', json: side, text: ` ${side}`, column: 'SIDE' }]),
    { key: 'family', json: r.family === 10 ? 'inet6' : 'inet' },
    { text: ` local ${local}`, column: 'LOCAL', cell: local },
    { key: 'local_address', json: r.localAddress },
    { key: 'local_port', json: r.localPort },
    { text: ` remote ${remote}`, column: 'REMOTE', cell: remote },
    { key: 'remote_address', json: r.remoteAddress },
    { key: 'remote_port', json: r.remotePort },
  ];
}

/** mptcpi_flags as words (ss prints `fallback`, `remote_key`); bits this tool does not know as hex. */
function flagWords(c: MptcpConnection): string {
  const unknown = c.flags & ~(MptcpInfoFlag.fallback | MptcpInfoFlag.remote_key);
  const words: string[] = [...c.flagNames, ...(unknown ? [`0x${unknown.toString(16)}`] : [])];
  return words.join(',') || '-';
}

/**
 * struct mptcp_info in ss -Mi's order and with its names (ss prints only the non-zero ones; here
 * all are printed, so every line has the same keys on one kernel). `subflows` counts the subflows
 * beyond the initial one, as the kernel and ss do; `subflows_total` all of them. Fields newer
 * than the running kernel are absent. Flags are words in text, a list in JSON.
 */
function connectionInfoItems(c: MptcpConnection): Item[] {
  const items: Item[] = [
    info('subflows', c.extraSubflows),
    info('add_addr_signal', c.addAddrSignal),
    info('add_addr_accepted', c.addAddrAccepted),
    info('subflows_max', c.subflowsMax),
    info('add_addr_signal_max', c.addAddrSignalMax),
    info('add_addr_accepted_max', c.addAddrAcceptedMax),
    { ...info('flags', flagWords(c)), json: c.flagNames },
    info('write_seq', c.writeSeq),
    info('snd_una', c.sndUna),
    info('rcv_nxt', c.rcvNxt),
  ];
  const optional = (name: string, value: Scalar | undefined): void => {
    if (value !== undefined) items.push(info(name, typeof value === 'boolean' ? Number(value) : value));
  };
  optional('local_addr_used', c.localAddrUsed);
  optional('local_addr_max', c.localAddrMax);
  optional('csum_enabled', c.csumEnabled);
  optional('retransmits', c.retransmits);
  optional('bytes_retrans', c.bytesRetrans);
  optional('bytes_sent', c.bytesSent);
  optional('bytes_received', c.bytesReceived);
  optional('bytes_acked', c.bytesAcked);
  items.push(info('subflows_total', c.subflows));
  optional('endp_laminar_max', c.endpLaminarMax);
  optional('last_data_sent', c.lastDataSent);
  optional('last_data_recv', c.lastDataRecv);
  optional('last_ack_recv', c.lastAckRecv);
  return items;
}

export function connectionItems(c: MptcpConnection, names: InterfaceNames = noNames): Item[] {
  return [...socketItems(c, c.side, names), { key: 'dev', json: devName(c, names) }, ...connectionInfoItems(c), { key: 'inode', json: c.inode }, { key: 'uid', json: c.uid }];
}

/**
 * A subflow: its ids, backup and flags, then its DSS mapping and the peer's token, named as in
 * the kernel's subflow attributes (`token-rem`; JSON `token_rem`).
 */
export function subflowItems(s: MptcpSubflow, names: InterfaceNames = noNames): Item[] {
  const flags = s.flagNames.join(',');
  return [
    ...socketItems(s, undefined, names),
    { key: 'id_loc', json: s.localId, text: ` id-loc ${s.localId}` },
    { key: 'id_rem', json: s.remoteId, text: ` id-rem ${s.remoteId}` },
    { column: 'ID LOC/REM', cell: `${s.localId}/${s.remoteId}` },
    { key: 'backup', json: s.backup, ...(s.backup ? { text: ' backup', column: 'FLAGS', cell: 'backup' } : {}) },
    { key: 'backup_local', json: s.backupLocal },
    { key: 'backup_remote', json: s.backupRemote },
    { ...info('token_rem', tokenText(s.remoteToken), 'token-rem'), json: tokenJson(s.remoteToken) },
    { key: 'flags', json: s.flagNames, text: ` flags ${flags || '-'}`, ...(flags ? { column: 'FLAGS', cell: s.flagNames.join(' ') } : {}) },
    info('relwrite_seq', s.relwriteSeq, 'relwrite-seq'),
    info('map_seq', s.mapSeq, 'map-seq'),
    info('map_sfseq', s.mapSfseq, 'map-sfseq'),
    info('ssn_offset', s.ssnOffset, 'ssn-offset'),
    info('map_datalen', s.mapDatalen, 'map-datalen'),
    { key: 'ifindex', json: s.ifindex || undefined },
    { key: 'dev', json: devName(s, names) },
  ];
}

const lines = <T>(records: T[], items: (r: T) => Item[]): string => records.map((r) => `${itemsText(items(r), false)}\n`).join('');

export const connectionsText = (connections: MptcpConnection[], names: InterfaceNames = noNames): string => lines(connections, (c) => connectionItems(c, names));
export const subflowsText = (subflows: MptcpSubflow[], names: InterfaceNames = noNames): string => lines(subflows, (s) => subflowItems(s, names));

export const connectionsJson = (c: MptcpConnection[], pretty: boolean, names: InterfaceNames = noNames): string => itemsJson(c.map((x) => connectionItems(x, names)), pretty);
export const subflowsJson = (s: MptcpSubflow[], pretty: boolean, names: InterfaceNames = noNames): string => itemsJson(s.map((x) => subflowItems(x, names)), pretty);

/** Addresses are never wrapped; the INFO column (all of mptcp_info) is, when the terminal is narrow. */
const kept = (head: string): Column => ({ head, keep: true });
const infoColumn: Column = { head: 'INFO', wrap: true, units: true };
const connectionColumns: Column[] = [kept('TOKEN'), kept('STATE'), kept('SIDE'), kept('LOCAL'), kept('REMOTE'), infoColumn];
const subflowColumns: Column[] = [kept('TOKEN'), kept('STATE'), kept('LOCAL'), kept('REMOTE'), kept('ID LOC/REM'), { head: 'FLAGS' }, infoColumn];

export function connectionsTable(connections: MptcpConnection[], style: Paint, color: boolean, width?: number, names: InterfaceNames = noNames): Promise<string> {
  return itemsTable(connectionColumns, connections.map((c) => connectionItems(c, names)), style, color, width);
}

export function subflowsTable(subflows: MptcpSubflow[], style: Paint, color: boolean, width?: number, names: InterfaceNames = noNames): Promise<string> {
  return itemsTable(subflowColumns, subflows.map((s) => subflowItems(s, names)), style, color, width);
}
