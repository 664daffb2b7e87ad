/**
 * `status` and `endpoint show --check`: the namespace snapshot and its lint warnings as aligned
 * text (for people), JSON (for scripts), and tables on a terminal. Tokens are never printed here:
 * connections are counted, not listed (`connection show` lists them, `--debug` traces them).
 */
import type { LintWarning } from '../../../diag/lint.js';
import type { StatusSnapshot } from '../../../diag/status.js';
import { endpointJson, endpointsTable, endpointsText, type InterfaceNames } from './endpoint.js';
import { limitsText } from './limits.js';
import { ipJson, type IpJsonObject } from '../ip-json.js';
import type { Paint } from '../colors.js';
import { renderTable, type TableLayout } from '../table.js';

const yesNo = (v: boolean | undefined): string => (v === undefined ? 'unknown' : v ? 'yes' : 'no');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Warnings as text: one `warning:` line each, then why and the fix, indented. */
export function warningsText(warnings: readonly LintWarning[]): string {
  return warnings.map((w) => `warning: ${w.message} [${w.code}]\n  why: ${w.why}\n  fix: ${w.fix}\n`).join('');
}

export function warningJson(w: LintWarning): IpJsonObject {
  return { code: w.code, endpoint_id: w.endpointId, message: w.message, why: w.why, fix: w.fix };
}

/** The one-line summaries shared by text and table: [key, value]. */
function summary(s: StatusSnapshot): [string, string][] {
  const rows: [string, string][] = [];
  rows.push(['namespace', s.netns ?? '(current)']);
  rows.push(['kernel', s.kernelRelease]);
  rows.push(['mptcp', s.enabled === undefined ? 'not available (no net.mptcp settings)' : `${s.enabled ? 'enabled' : 'disabled'} (net.mptcp.enabled = ${s.sysctls['net.mptcp.enabled']})`]);
  const pm = s.pathManager;
  rows.push(['path manager', pm ? `${pm.name} (${pm.sysctl}${pm.available ? `; available: ${pm.available.join(' ')}` : ''})` : 'unknown']);
  if (s.scheduler) rows.push(['scheduler', `${s.scheduler.name}${s.scheduler.available ? ` (available: ${s.scheduler.available.join(' ')})` : ''}`]);
  const f = s.family;
  rows.push(['family', f ? `${f.name} id 0x${f.id.toString(16)} version ${f.version}, ${plural(f.operations.length, 'operation')}` : 'mptcp_pm not found']);
  if (f) rows.push(['groups', f.groups.map((g) => `${g.name} (${g.id})`).join(' ')]);
  if (s.limits) rows.push(['limits', limitsText(s.limits).trimEnd()]);
  rows.push(['endpoints', String(s.endpoints.length)]);
  const c = s.connections;
  rows.push([
    'connections',
    c ? `${c.connections} (${c.clients} client, ${c.servers} server; ${c.singleSubflow} with a single subflow), ${plural(c.listeners, 'listener')}` : 'unknown',
  ]);
  rows.push(['event subscribers', s.eventListeners === undefined ? 'unknown' : String(s.eventListeners)]);
  return rows;
}

function nonZeroCounters(s: StatusSnapshot): [string, number][] {
  return Object.entries(s.counters).filter(([, v]) => v !== 0);
}

/** The whole status as aligned text. */
export function statusText(s: StatusSnapshot, warnings: readonly LintWarning[], names: InterfaceNames): string {
  const width = 18;
  const line = (key: string, value: string): string => `${key.padEnd(width)} ${value}\n`;
  let out = summary(s).map(([k, v]) => line(k, v)).join('');
  if (s.family) {
    out += 'operations\n';
    for (const op of s.family.operations) out += `  ${String(op.id).padStart(2)} ${op.name.padEnd(16)} ${op.flagNames.join('|')}\n`;
  }
  if (s.features.length) {
    out += 'features\n';
    for (const f of s.features) out += `  ${f.name.padEnd(27)} ${yesNo(f.supported).padEnd(7)} ${f.evidence}\n`;
  }
  if (s.endpoints.length) out += `endpoint list\n${endpointsText(s.endpoints, names, false).replace(/^/gm, '  ').replace(/ +$/gm, '')}`;
  out += 'settings\n';
  for (const [k, v] of Object.entries(s.sysctls)) out += `  ${k} = ${v}\n`;
  const counters = nonZeroCounters(s);
  if (counters.length) out += `counters (MPTcpExt)\n${counters.map(([k, v]) => `  ${k} ${v}\n`).join('')}`;
  for (const p of s.problems) out += `not read: ${p}\n`;
  out += warnings.length ? line('warnings', String(warnings.length)) + warningsText(warnings) : line('warnings', 'none');
  return out;
}

/** The whole status as one JSON object. */
export function statusJson(s: StatusSnapshot, warnings: readonly LintWarning[], names: InterfaceNames, pretty: boolean): string {
  const c = s.connections;
  const obj: IpJsonObject = {
    netns: s.netns,
    kernel: s.kernelRelease,
    mptcp_enabled: s.enabled,
    path_manager: s.pathManager && { name: s.pathManager.name, sysctl: s.pathManager.sysctl, available: s.pathManager.available },
    scheduler: s.scheduler && { name: s.scheduler.name, available: s.scheduler.available },
    settings: { ...s.sysctls },
    family: s.family && {
      name: s.family.name,
      id: s.family.id,
      version: s.family.version,
      operations: s.family.operations.map((op) => ({ id: op.id, name: op.name, flags: op.flagNames })),
      groups: s.family.groups.map((g) => ({ name: g.name, id: g.id })),
    },
    features: Object.fromEntries(s.features.map((f) => [f.name, { supported: f.supported, evidence: f.evidence }])),
    limits: s.limits && { add_addr_accepted: s.limits.addAddrAccepted, subflows: s.limits.subflows },
    endpoints: s.endpoints.map((e) => endpointJson(e, names)),
    connections: c && { connections: c.connections, clients: c.clients, servers: c.servers, single_subflow: c.singleSubflow, listeners: c.listeners },
    event_subscribers: s.eventListeners,
    counters: Object.fromEntries(nonZeroCounters(s)),
    problems: s.problems,
    warnings: warnings.map(warningJson),
  };
  return ipJson(obj, pretty);
}

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
  let out = await renderTable(['STATUS', 'VALUE'], summary(s).map(([k, v]) => [style.heading(k), v]), style, color, fit({ keep: [0], wrap: 1 }));
  if (s.family?.operations.length) {
    out += await renderTable(['ID', 'OPERATION', 'FLAGS'], s.family.operations.map((op) => [String(op.id), op.name, op.flagNames.join('|')]), style, color, fit({ keep: [0, 1] }));
  }
  if (s.features.length) out += await renderTable(['FEATURE', 'SUPPORTED', 'EVIDENCE'], s.features.map((f) => [f.name, yesNo(f.supported), f.evidence]), style, color, fit({ keep: [0, 1], wrap: 2 }));
  if (s.endpoints.length) out += await endpointsTable(s.endpoints, names, style, color, width);
  const settings = Object.entries(s.sysctls);
  if (settings.length) out += await renderTable(['SETTING', 'VALUE'], settings, style, color, fit({ keep: [0], wrap: 1 }));
  const counters = nonZeroCounters(s);
  if (counters.length) out += await renderTable(['COUNTER (MPTcpExt)', 'VALUE'], counters.map(([k, v]) => [k, String(v)]), style, color, fit({ keep: [0, 1] }));
  for (const p of s.problems) out += `not read: ${p}\n`;
  out += warnings.length ? warningsText(warnings) : 'no warnings\n';
  return out;
}
