/**
 * `stats` output: the MPTcpExt counters grouped, each with its meaning, as text (piped), a table
 * (terminal), JSON, and the JSON Lines of `--watch`. Zero values are left out unless `all`. In
 * text and tables each counter is one item list (items.ts), shown by group; JSON is the counters
 * by name in the kernel's order. Pure.
 */
import type { Counter } from '../../../diag/netstat.js';
import { countersObject } from '../../../diag/netstat.js';
import { groupCounters, type CounterInfo } from '../../../diag/counter-info.js';
import type { Paint } from '../colors.js';
import { ipJson } from '../ip-json.js';
import type { Item } from '../items.js';
import { itemsTable, type Column } from '../items-table.js';
import { itemsText } from '../items-text.js';

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
const shownValue = (view: StatsView, c: Counter): string => (view.deltaOnly ? signed(c.value) : String(c.value));

/** The text's column widths: the longest name and value shown. */
interface Widths {
  name: number;
  value: number;
}

/**
 * One counter: text `  Name  value  meaning` padded to `widths`; table cells (the group's name
 * on its first counter, the change beside the value under --watch).
 */
function counterItems(view: StatsView, c: CounterInfo, firstOfGroup: boolean, widths: Widths): Item[] {
  const value = shownValue(view, c);
  const watching = view.delta !== undefined && !view.deltaOnly;
  return [
    { column: 'GROUP', cell: firstOfGroup ? c.group : '', ...(firstOfGroup ? { tone: 'heading' as const } : {}) },
    { text: `  ${c.name.padEnd(widths.name)}`, column: 'COUNTER', cell: c.name },
    { text: `  ${value.padStart(widths.value)}`, column: view.deltaOnly ? 'CHANGE' : 'VALUE', cell: value },
    ...(watching ? [{ column: 'CHANGE', cell: signed(view.delta!.get(c.name) ?? 0), tone: 'dim' as const }] : []),
    c.meaning === undefined
      ? { text: '\n', column: 'MEANING', cell: '(no description: a counter this version does not know)', tone: 'dim' as const }
      : { text: `  ${c.meaning}\n`, column: 'MEANING', cell: c.meaning },
  ];
}

/** The shown counters by group, each as its items. */
function groupedItems(view: StatsView, widths: Widths = { name: 0, value: 0 }): { title: string; counters: Item[][] }[] {
  return groupCounters(shown(view)).map((g) => ({ title: g.title, counters: g.counters.map((c, i) => counterItems(view, c, i === 0, widths)) }));
}

/** Piped text: a heading per group, then `  Name  value  meaning` lines, aligned. */
export function statsText(view: StatsView): string {
  const all = shown(view);
  const widths = { name: Math.max(0, ...all.map((c) => c.name.length)), value: Math.max(0, ...all.map((c) => shownValue(view, c).length)) };
  return groupedItems(view, widths)
    .map((g) => `${g.title}\n${g.counters.map((items) => itemsText(items, false)).join('')}`)
    .join('');
}

/** A terminal table: group, counter, value (and change under --watch), meaning. */
export async function statsTable(view: StatsView, style: Paint, color: boolean, width?: number): Promise<string> {
  const groups = groupedItems(view);
  if (!groups.length) return `${style.dim(`no counter ${view.deltaOnly ? 'changed' : 'is above zero'} (--all shows every one)`)}\n`;
  const watching = view.delta !== undefined && !view.deltaOnly;
  const heads = ['GROUP', 'COUNTER', view.deltaOnly ? 'CHANGE' : 'VALUE', ...(watching ? ['CHANGE'] : []), 'MEANING'];
  // The meaning wraps on a narrow terminal; names and values stay whole.
  const columns: Column[] = heads.map((head, i) => (i === heads.length - 1 ? { head, wrap: true } : { head }));
  return itemsTable(columns, groups.flatMap((g) => g.counters), style, color, width);
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
