/**
 * Endpoints as iproute2 7.1 prints them: text (`ADDR [port P ]id N [flags ][rawflags XX ][dev IF ]`,
 * every item followed by one space), ip's JSON, and a table for terminals: one item list each.
 */
import type { Endpoint } from '../../../mptcp/records.js';
import { AF_INET6, endpointFlags } from '../../../families/mptcp-pm.js';
import type { IpJsonObject } from '../ip-json.js';
import type { Paint } from '../colors.js';
import { interfaceName, type InterfaceNames } from '../interface-names.js';
import { field, type Item } from '../items.js';
import { itemsJson, itemsObject } from '../items-json.js';
import { itemsTable, type Column } from '../items-table.js';
import { itemsText } from '../items-text.js';

const isIPv6 = (e: Endpoint): boolean => e.family === AF_INET6 || e.address.includes(':');

const flagWords = endpointFlags.words;
const KNOWN_ADDRESS_FLAGS = endpointFlags.mask;

/** The address is never wrapped; the flags are, on a narrow terminal. */
const columns: Column[] = [{ head: 'ID', keep: true }, { head: 'ADDRESS', keep: true }, { head: 'PORT', keep: true }, { head: 'FLAGS', wrap: true }, { head: 'DEV' }];

/** One endpoint in ip's order; flags ip knows as words (JSON: true), other bits as `rawflags`. */
export function endpointItems(e: Endpoint, names: InterfaceNames): Item[] {
  const items: Item[] = [field('address', e.address, '%s ', 'ADDRESS', isIPv6(e) ? 'inet6' : 'inet')];
  if (e.port) items.push(field('port', e.port, 'port %s ', 'PORT'));
  items.push(field('id', e.id, 'id %s ', 'ID'));
  for (const word of flagWords(e.flags)) items.push({ key: word, json: true, text: `${word} `, column: 'FLAGS', cell: word, tone: 'flag' });
  if (e.flags & ~KNOWN_ADDRESS_FLAGS) {
    const raw = (e.flags & ~KNOWN_ADDRESS_FLAGS).toString(16).padStart(2, '0');
    items.push({ key: 'rawflags', json: raw, text: `rawflags ${raw} `, column: 'FLAGS', cell: `rawflags ${raw}` });
  }
  if (e.ifindex) items.push({ text: 'dev ' }, field('dev', interfaceName(names, e.ifindex), '%s ', 'DEV', 'ifname'));
  return items;
}

/** One ip text line per endpoint; `color` gives ip 7.x's `-c` colours. */
export function endpointsText(endpoints: Endpoint[], names: InterfaceNames, color: boolean): string {
  return endpoints.map((e) => `${itemsText(endpointItems(e, names), color)}\n`).join('');
}

/** ip's JSON object for one endpoint: keys in ip's order, flags only when true. */
export function endpointJson(e: Endpoint, names: InterfaceNames): IpJsonObject {
  return itemsObject(endpointItems(e, names));
}

export function endpointsJson(endpoints: Endpoint[], names: InterfaceNames, pretty: boolean): string {
  return itemsJson(endpoints.map((e) => endpointItems(e, names)), pretty);
}

export function endpointsTable(endpoints: Endpoint[], names: InterfaceNames, style: Paint, color: boolean, width?: number): Promise<string> {
  return itemsTable(columns, endpoints.map((e) => endpointItems(e, names)), style, color, width);
}
