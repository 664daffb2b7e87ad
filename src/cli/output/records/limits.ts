/** Limits as ip prints them (`add_addr_accepted N subflows M `), as a JSON object, or a table. */
import type { Limits } from '../../../mptcp/records.js';
import type { Paint } from '../colors.js';
import { ipJson } from '../ip-json.js';
import { field, type Item } from '../items.js';
import { itemsObject } from '../items-json.js';
import { itemRowsTable } from '../items-table.js';
import { itemsText } from '../items-text.js';

export function limitsItems(l: Limits): Item[] {
  return [field('add_addr_accepted', l.addAddrAccepted, 'add_addr_accepted %s ', 'add_addr_accepted'), field('subflows', l.subflows, 'subflows %s ', 'subflows')];
}

export function limitsText(l: Limits): string {
  return `${itemsText(limitsItems(l), false)}\n`;
}

/** A real JSON object (ip prints its text line even under -j; we do not copy that bug). */
export function limitsJson(l: Limits, pretty: boolean): string {
  return ipJson(itemsObject(limitsItems(l)), pretty);
}

export function limitsTable(l: Limits, style: Paint, color: boolean): Promise<string> {
  return itemRowsTable(['LIMIT', 'VALUE'], limitsItems(l), style, color);
}
