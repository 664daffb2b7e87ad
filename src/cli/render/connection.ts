/**
 * Live MPTCP connections and subflows: one `key value` line per record (stable, for scripts;
 * tokens as 8 hex digits like `monitor`, so they can be pasted into `token TOKEN`), JSON, and
 * a table for terminals.
 */
import { tokenJson, tokenText } from './token.js';
import type { MptcpConnection, MptcpSubflow, SocketRecord } from '../../diag/records.js';
import { ipJson, type IpJsonObject } from './ip-json.js';
import type { Paint } from './style.js';
import { renderTable } from './table.js';


const endpointText = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);
const local = (r: SocketRecord): string => endpointText(r.localAddress, r.localPort);
const remote = (r: SocketRecord): string => (r.state === 'LISTEN' ? '*' : endpointText(r.remoteAddress, r.remotePort));

export function connectionsText(connections: MptcpConnection[]): string {
  return connections
    .map(
      (c) =>
        `token ${tokenText(c.token)} ${c.state} ${c.side} local ${local(c)} remote ${remote(c)} subflows ${c.subflows}` +
        ` add_addr_signal ${c.addAddrSignal} add_addr_accepted ${c.addAddrAccepted}` +
        (c.localAddrUsed !== undefined ? ` local_addr_used ${c.localAddrUsed}` : '') +
        ` subflows_max ${c.subflowsMax} add_addr_signal_max ${c.addAddrSignalMax} add_addr_accepted_max ${c.addAddrAcceptedMax}` +
        (c.localAddrMax !== undefined ? ` local_addr_max ${c.localAddrMax}` : '') +
        (c.flagNames.length ? ` ${c.flagNames.join(' ')}` : '') +
        '\n',
    )
    .join('');
}

export function connectionJson(c: MptcpConnection): IpJsonObject {
  return {
    token: tokenJson(c.token),
    state: c.state,
    side: c.side,
    family: c.family === 10 ? 'inet6' : 'inet',
    local_address: c.localAddress,
    local_port: c.localPort,
    remote_address: c.remoteAddress,
    remote_port: c.remotePort,
    subflows: c.subflows,
    add_addr_signal: c.addAddrSignal,
    add_addr_accepted: c.addAddrAccepted,
    local_addr_used: c.localAddrUsed,
    subflows_max: c.subflowsMax,
    add_addr_signal_max: c.addAddrSignalMax,
    add_addr_accepted_max: c.addAddrAcceptedMax,
    local_addr_max: c.localAddrMax,
    flags: c.flagNames,
    csum_enabled: c.csumEnabled,
    bytes_sent: c.bytesSent,
    bytes_received: c.bytesReceived,
    bytes_retrans: c.bytesRetrans,
    inode: c.inode,
    uid: c.uid,
  };
}

export function connectionsTable(connections: MptcpConnection[], style: Paint, color: boolean): Promise<string> {
  const rows = connections.map((c) => [
    tokenText(c.token),
    c.state,
    c.side,
    local(c),
    remote(c),
    String(c.subflows),
    `${c.addAddrSignal}/${c.addAddrAccepted}`,
  ]);
  return renderTable(['TOKEN', 'STATE', 'SIDE', 'LOCAL', 'REMOTE', 'SUBFLOWS', 'ADD_ADDR SIG/ACC'], rows, style, color);
}

export function subflowsText(subflows: MptcpSubflow[]): string {
  return subflows
    .map(
      (s) =>
        `token ${tokenText(s.token)} ${s.state} local ${local(s)} remote ${remote(s)} id-loc ${s.localId} id-rem ${s.remoteId}` +
        `${s.backup ? ' backup' : ''} token-rem ${tokenText(s.remoteToken)} flags ${s.flagNames.join(',') || '-'}` +
        ` relwrite-seq ${s.relwriteSeq} map-seq ${s.mapSeq} map-sfseq ${s.mapSfseq} ssn-offset ${s.ssnOffset} map-datalen ${s.mapDatalen}\n`,
    )
    .join('');
}

export function subflowJson(s: MptcpSubflow): IpJsonObject {
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
  };
}

export function subflowsTable(subflows: MptcpSubflow[], style: Paint, color: boolean): Promise<string> {
  const rows = subflows.map((s) => [
    tokenText(s.token),
    s.state,
    local(s),
    remote(s),
    `${s.localId}/${s.remoteId}`,
    s.backup ? 'backup' : '',
    s.flagNames.join(' '),
  ]);
  return renderTable(['TOKEN', 'STATE', 'LOCAL', 'REMOTE', 'ID LOC/REM', 'PRIO', 'FLAGS'], rows, style, color);
}

export const connectionsJson = (c: MptcpConnection[], pretty: boolean): string => ipJson(c.map(connectionJson), pretty);
export const subflowsJson = (s: MptcpSubflow[], pretty: boolean): string => ipJson(s.map(subflowJson), pretty);
