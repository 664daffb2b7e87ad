/** Limits as ip prints them (`add_addr_accepted N subflows M `), as a JSON object, or a table. */
import type { Limits } from '../../../mptcp/records.js';
import { ipJson } from '../ip-json.js';
import type { Paint } from '../colors.js';
import { renderTable } from '../table.js';

export function limitsText(l: Limits): string {
  return `add_addr_accepted ${l.addAddrAccepted} subflows ${l.subflows} \n`;
}

/** A real JSON object (ip prints its text line even under -j; we do not copy that bug). */
export function limitsJson(l: Limits, pretty: boolean): string {
  return ipJson({ add_addr_accepted: l.addAddrAccepted, subflows: l.subflows }, pretty);
}

export function limitsTable(l: Limits, style: Paint, color: boolean): Promise<string> {
  return renderTable(['LIMIT', 'VALUE'], [['add_addr_accepted', String(l.addAddrAccepted)], ['subflows', String(l.subflows)]], style, color);
}
