/**
 * `stats` output: the MPTcpExt counters grouped, each with its meaning, as text (piped), a table
 * (terminal), JSON, and the JSON Lines of `--watch`. Zero values are left out unless `all`. Pure.
 */
import type { Counter } from '../../../diag/netstat.js';
import { countersObject } from '../../../diag/netstat.js';
import { groupCounters } from '../../../diag/counter-info.js';
import { ipJson } from '../ip-json.js';
import type { Paint } from '../colors.js';
import { renderTable } from '../table.js';

/** What one rendering shows: the counters, and for --delta/--watch the change of each. */
export interface StatsView {
  counters: readonly Counter[];
  /** The change over the interval, by name (--delta: shown instead of the value; --watch: beside it). */
  delta?: ReadonlyMap<string, number>;
  /** --delta: the values shown are the changes. */
  deltaOnly?: boolean;
  all: boolean;
}

/** The counters a view shows: zero values (of what is shown) only with `all`. */
function shown(view: StatsView): Counter[] {
  const main = view.deltaOnly && view.delta ? view.counters.map((c) => ({ name: c.name, value: view.delta!.get(c.name) ?? 0 })) : [...view.counters];
  return view.all ? main : main.filter((c) => c.value !== 0 || (!view.deltaOnly && (view.delta?.get(c.name) ?? 0) !== 0));
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** Piped text: a heading per group, then `  Name  value  meaning` lines, aligned. */
export function statsText(view: StatsView): string {
  const groups = groupCounters(shown(view));
  const all = groups.flatMap((g) => g.counters);
  const nameWidth = Math.max(0, ...all.map((c) => c.name.length));
  const valueWidth = Math.max(0, ...all.map((c) => String(view.deltaOnly ? signed(c.value) : c.value).length));
  let out = '';
  for (const g of groups) {
    out += `${g.title}\n`;
    for (const c of g.counters) {
      const value = view.deltaOnly ? signed(c.value) : String(c.value);
      out += `  ${c.name.padEnd(nameWidth)}  ${value.padStart(valueWidth)}${c.meaning ? `  ${c.meaning}` : ''}\n`;
    }
  }
  return out;
}

/** A terminal table: group, counter, value (and change under --watch), meaning. */
export async function statsTable(view: StatsView, style: Paint, color: boolean, width?: number): Promise<string> {
  const groups = groupCounters(shown(view));
  if (!groups.length) return `${style.dim(`no counter ${view.deltaOnly ? 'changed' : 'is above zero'} (--all shows every one)`)}\n`;
  const watching = view.delta !== undefined && !view.deltaOnly;
  const rows = groups.flatMap((g) =>
    g.counters.map((c, i) => [
      i === 0 ? style.heading(g.group) : '',
      c.name,
      view.deltaOnly ? signed(c.value) : String(c.value),
      ...(watching ? [style.dim(signed(view.delta!.get(c.name) ?? 0))] : []),
      c.meaning ?? style.dim('(no description: a counter this version does not know)'),
    ]),
  );
  const head = ['GROUP', 'COUNTER', view.deltaOnly ? 'CHANGE' : 'VALUE', ...(watching ? ['CHANGE'] : []), 'MEANING'];
  // The meaning wraps on a narrow terminal; names and values stay whole.
  return renderTable(head, rows, style, color, { wrap: head.length - 1, ...(width ? { width } : {}) });
}

/** `--json`: `{"counters": {name: value}}`; under --delta the changes, with `interval` (seconds). */
export function statsJson(view: StatsView, pretty: boolean, interval?: number): string {
  return ipJson({ ...(interval === undefined ? {} : { interval }), counters: countersObject(shown(view)) }, pretty);
}

/** One `--watch` JSON Line: the time, the counters, and their change since the previous line. */
export function statsJsonLine(view: StatsView, timestamp: Date, interval: number): string {
  const counters = shown(view);
  const delta = view.delta && countersObject(counters.map((c) => ({ name: c.name, value: view.delta!.get(c.name) ?? 0 })).filter((c) => view.all || c.value !== 0));
  return `${JSON.stringify({ timestamp: timestamp.toISOString(), interval, counters: countersObject(counters), ...(delta ? { delta } : {}) })}\n`;
}
