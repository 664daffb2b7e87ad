/**
 * `status` and `endpoint show --check`: the namespace snapshot and its lint warnings as aligned
 * text (for people), JSON (for scripts), and tables on a terminal. Tokens are never printed here:
 * connections are counted, not listed (`connection show` lists them, `--debug` traces them).
 * The summary and each section's records are item lists (items.ts); their text is aligned
 * `label value` lines, and a summary row's JSON member holds the whole of what it sums up.
 */
import type { LintWarning } from '../../../diag/lint.js';
import type { FamilyStatus, Feature, StatusSnapshot } from '../../../diag/status.js';
import { endpointJson, endpointsTable, endpointsText } from './endpoint.js';
import type { InterfaceNames } from '../interface-names.js';
import { limitsItems } from './limits.js';
import type { Paint } from '../colors.js';
import { ipJson, type IpJsonObject, type IpJsonValue } from '../ip-json.js';
import type { Item } from '../items.js';
import { itemsObject } from '../items-json.js';
import { itemRowsTable, itemsTable, type Column } from '../items-table.js';
import { itemsText } from '../items-text.js';
import type { TableLayout } from '../table.js';

const yesNo = (v: boolean | undefined): string => (v === undefined ? 'unknown' : v ? 'yes' : 'no');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Warnings as text: one `warning:` line each, then why and the fix, indented. */
export function warningsText(warnings: readonly LintWarning[]): string {
  return warnings.map((w) => `warning: ${w.message} [${w.code}]\n  why: ${w.why}\n  fix: ${w.fix}\n`).join('');
}

export function warningJson(w: LintWarning): IpJsonObject {
  return { code: w.code, endpoint_id: w.endpointId, message: w.message, why: w.why, fix: w.fix };
}

const line = (label: string, value: string): string => `${label.padEnd(18)} ${value}\n`;

/** A summary row: `label value` aligned in text, a row of the STATUS table, and (with a key) a JSON member. */
function row(label: string, value: string, key?: string, json?: IpJsonValue): Item {
  return { ...(key === undefined ? {} : { key, json }), text: line(label, value), column: label, cell: value };
}

const operationItems = (op: FamilyStatus['operations'][number]): Item[] => [
  { key: 'id', json: op.id, text: `  ${String(op.id).padStart(2)}`, column: 'ID' },
  { key: 'name', json: op.name, text: ` ${op.name.padEnd(16)}`, column: 'OPERATION' },
  { key: 'flags', json: op.flagNames, text: ` ${op.flagNames.join('|')}\n`, column: 'FLAGS', cell: op.flagNames.join('|') },
];

const featureItems = (f: Feature): Item[] => [
  { text: `  ${f.name.padEnd(27)}`, column: 'FEATURE', cell: f.name },
  { key: 'supported', json: f.supported, text: ` ${yesNo(f.supported).padEnd(7)}`, column: 'SUPPORTED', cell: yesNo(f.supported) },
  { key: 'evidence', json: f.evidence, text: ` ${f.evidence}\n`, column: 'EVIDENCE' },
];

const settingItems = (s: StatusSnapshot): Item[] => Object.entries(s.sysctls).map(([k, v]) => ({ key: k, json: v, text: `  ${k} = ${v}\n`, column: k }));
const counterItems = (s: StatusSnapshot): Item[] =>
  Object.entries(s.counters)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => ({ key: k, json: v, text: `  ${k} ${v}\n`, column: k }));

/** The summary rows, with the JSON members of the sections between them in the JSON's order. */
function summaryItems(s: StatusSnapshot, warnings: readonly LintWarning[], names: InterfaceNames): Item[] {
  const pm = s.pathManager;
  const f = s.family;
  const c = s.connections;
  const mptcp = s.enabled === undefined ? 'not available (no net.mptcp settings)' : `${s.enabled ? 'enabled' : 'disabled'} (net.mptcp.enabled = ${s.sysctls['net.mptcp.enabled']})`;
  const items: Item[] = [
    row('namespace', s.netns ?? '(current)', 'netns', s.netns),
    row('kernel', s.kernelRelease, 'kernel', s.kernelRelease),
    row('mptcp', mptcp, 'mptcp_enabled', s.enabled),
    row('path manager', pm ? `${pm.name} (${pm.sysctl}${pm.available ? `; available: ${pm.available.join(' ')}` : ''})` : 'unknown', 'path_manager', pm && { name: pm.name, sysctl: pm.sysctl, available: pm.available }),
  ];
  if (s.scheduler) {
    const text = `${s.scheduler.name}${s.scheduler.available ? ` (available: ${s.scheduler.available.join(' ')})` : ''}`;
    items.push(row('scheduler', text, 'scheduler', { name: s.scheduler.name, available: s.scheduler.available }));
  }
  items.push({ key: 'settings', json: itemsObject(settingItems(s)) });
  const family = f && {
    name: f.name,
    id: f.id,
    version: f.version,
    operations: f.operations.map((op) => itemsObject(operationItems(op))),
    groups: f.groups.map((g) => ({ name: g.name, id: g.id })),
  };
  items.push(row('family', f ? `${f.name} id 0x${f.id.toString(16)} version ${f.version}, ${plural(f.operations.length, 'operation')}` : 'mptcp_pm not found', 'family', family));
  if (f) items.push(row('groups', f.groups.map((g) => `${g.name} (${g.id})`).join(' ')));
  items.push({ key: 'features', json: Object.fromEntries(s.features.map((x) => [x.name, itemsObject(featureItems(x))])) });
  if (s.limits) items.push(row('limits', itemsText(limitsItems(s.limits), false).trimEnd(), 'limits', itemsObject(limitsItems(s.limits))));
  items.push(
    row('endpoints', String(s.endpoints.length), 'endpoints', s.endpoints.map((e) => endpointJson(e, names))),
    row(
      'connections',
      c ? `${c.connections} (${c.clients} client, ${c.servers} server; ${c.singleSubflow} with a single subflow), ${plural(c.listeners, 'listener')}` : 'unknown',
      'connections',
      c && { connections: c.connections, clients: c.clients, servers: c.servers, single_subflow: c.singleSubflow, listeners: c.listeners },
    ),
    row('event subscribers', s.eventListeners === undefined ? 'unknown' : String(s.eventListeners), 'event_subscribers', s.eventListeners),
    { key: 'counters', json: itemsObject(counterItems(s)) },
    { key: 'problems', json: s.problems },
    { key: 'warnings', json: warnings.map(warningJson) },
  );
  return items;
}

const lines = (records: readonly Item[][]): string => records.map((items) => itemsText(items, false)).join('');

/** The whole status as aligned text. */
export function statusText(s: StatusSnapshot, warnings: readonly LintWarning[], names: InterfaceNames): string {
  let out = itemsText(summaryItems(s, warnings, names), false);
  if (s.family) out += `operations\n${lines(s.family.operations.map(operationItems))}`;
  if (s.features.length) out += `features\n${lines(s.features.map(featureItems))}`;
  if (s.endpoints.length) out += `endpoint list\n${endpointsText(s.endpoints, names, false).replace(/^/gm, '  ').replace(/ +$/gm, '')}`;
  out += `settings\n${itemsText(settingItems(s), false)}`;
  const counters = counterItems(s);
  if (counters.length) out += `counters (MPTcpExt)\n${itemsText(counters, false)}`;
  for (const p of s.problems) out += `not read: ${p}\n`;
  out += warnings.length ? line('warnings', String(warnings.length)) + warningsText(warnings) : line('warnings', 'none');
  return out;
}

/** The whole status as one JSON object. */
export function statusJson(s: StatusSnapshot, warnings: readonly LintWarning[], names: InterfaceNames, pretty: boolean): string {
  return ipJson(itemsObject(summaryItems(s, warnings, names)), pretty);
}

const operationColumns: Column[] = [{ head: 'ID', keep: true }, { head: 'OPERATION', keep: true }, { head: 'FLAGS' }];
const featureColumns: Column[] = [{ head: 'FEATURE', keep: true }, { head: 'SUPPORTED', keep: true }, { head: 'EVIDENCE', wrap: true }];

/**
 * On a terminal: the same sections as the text, each as a table (summary, operations, features,
 * endpoints, settings, non-zero counters), then what could not be read and the warnings.
 */
export async function statusTable(
  s: StatusSnapshot,
  warnings: readonly LintWarning[],
  names: InterfaceNames,
  style: Paint,
  color: boolean,
  width?: number,
): Promise<string> {
  const fit = (layout: TableLayout): TableLayout => (width ? { ...layout, width } : layout);
  let out = await itemRowsTable(['STATUS', 'VALUE'], summaryItems(s, warnings, names), style, color, fit({ keep: [0], wrap: 1 }), style.heading);
  if (s.family?.operations.length) out += await itemsTable(operationColumns, s.family.operations.map(operationItems), style, color, width);
  if (s.features.length) out += await itemsTable(featureColumns, s.features.map(featureItems), style, color, width);
  if (s.endpoints.length) out += await endpointsTable(s.endpoints, names, style, color, width);
  const settings = settingItems(s);
  if (settings.length) out += await itemRowsTable(['SETTING', 'VALUE'], settings, style, color, fit({ keep: [0], wrap: 1 }));
  const counters = counterItems(s);
  if (counters.length) out += await itemRowsTable(['COUNTER (MPTcpExt)', 'VALUE'], counters, style, color, fit({ keep: [0, 1] }));
  for (const p of s.problems) out += `not read: ${p}\n`;
  out += warnings.length ? warningsText(warnings) : 'no warnings\n';
  return out;
}
