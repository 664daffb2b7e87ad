/**
 * Endpoints as iproute2 7.1 prints them: text (`ADDR [port P ]id N [flags ][rawflags XX ][dev IF ]`,
 * every item followed by one space), ip's JSON, and a table for terminals.
 */
import type { Endpoint } from '../../mptcp/records.js';
import { AF_INET6, endpointFlags } from '../../families/mptcp-pm.js';
import { ipJson, type IpJsonObject } from './ip-json.js';
import { ipColorSpan, type Paint } from './style.js';
import { renderTable } from './table.js';

/** Interface index -> name; an index with no interface prints as `ifN`, as ip does. */
export type InterfaceNames = ReadonlyMap<number, string>;

const interfaceName = (names: InterfaceNames, index: number): string => names.get(index) ?? `if${index}`;
const isIPv6 = (e: Endpoint): boolean => e.family === AF_INET6 || e.address.includes(':');

const flagWords = endpointFlags.words;
const KNOWN_ADDRESS_FLAGS = endpointFlags.mask;
const rawFlags = (flags: number): string => (flags & ~KNOWN_ADDRESS_FLAGS).toString(16).padStart(2, '0');

/** One ip text line per endpoint; `color` gives ip 7.x's `-c` colours. */
export function endpointsText(endpoints: Endpoint[], names: InterfaceNames, color: boolean): string {
  let out = '';
  for (const e of endpoints) {
    const address = `${e.address} `;
    out += color ? ipColorSpan(isIPv6(e) ? '1;94' : '1;35', address) : address;
    if (e.port) out += `port ${e.port} `;
    out += `id ${e.id} `;
    for (const word of flagWords(e.flags)) out += `${word} `;
    if (e.flags & ~KNOWN_ADDRESS_FLAGS) out += `rawflags ${rawFlags(e.flags)} `;
    if (e.ifindex) {
      const dev = `${interfaceName(names, e.ifindex)} `;
      out += `dev ${color ? ipColorSpan('1;36', dev) : dev}`;
    }
    out += '\n';
  }
  return out;
}

/** ip's JSON object for one endpoint: keys in ip's order, flags only when true. */
export function endpointJson(e: Endpoint, names: InterfaceNames): IpJsonObject {
  const obj: IpJsonObject = { address: e.address };
  if (e.port) obj['port'] = e.port;
  obj['id'] = e.id;
  for (const word of flagWords(e.flags)) obj[word] = true;
  if (e.flags & ~KNOWN_ADDRESS_FLAGS) obj['rawflags'] = rawFlags(e.flags);
  if (e.ifindex) obj['dev'] = interfaceName(names, e.ifindex);
  return obj;
}

export function endpointsJson(endpoints: Endpoint[], names: InterfaceNames, pretty: boolean): string {
  return ipJson(endpoints.map((e) => endpointJson(e, names)), pretty);
}

export async function endpointsTable(endpoints: Endpoint[], names: InterfaceNames, style: Paint, color: boolean, width?: number): Promise<string> {
  const rows = endpoints.map((e) => [
    String(e.id),
    isIPv6(e) ? style.ipv6(e.address) : style.ipv4(e.address),
    e.port ? String(e.port) : '',
    [...flagWords(e.flags).map((w) => style.flag(w)), ...(e.flags & ~KNOWN_ADDRESS_FLAGS ? [`rawflags ${rawFlags(e.flags)}`] : [])].join(' '),
    e.ifindex ? style.ifname(interfaceName(names, e.ifindex)) : '',
  ]);
  // The address is never wrapped; the flags are, on a narrow terminal.
  return renderTable(['ID', 'ADDRESS', 'PORT', 'FLAGS', 'DEV'], rows, style, color, { keep: [0, 1, 2], wrap: 3, ...(width ? { width } : {}) });
}
