/**
 * Items as a terminal table: records as rows, each item in the cell of its column (several in one
 * cell are joined by blanks), or one record as label/value rows. See table.ts for the drawing.
 */
import type { Paint } from './colors.js';
import type { Item, Tone } from './items.js';
import { renderTable, type Cell, type TableLayout } from './table.js';

export interface Column {
  head: string;
  /** Never wrapped (addresses, tokens): the table overflows a narrow terminal instead. */
  keep?: boolean;
  /** Wrapped first when the table is too wide. */
  wrap?: boolean;
  /** The cell's items are units (`key value` pairs) kept whole when wrapped. */
  units?: boolean;
}

const toneStyle: Record<Tone, keyof Paint> = { inet: 'ipv4', inet6: 'ipv6', ifname: 'ifname', flag: 'flag', heading: 'heading', dim: 'dim' };

function cellPart(item: Item, style: Paint): string {
  const text = item.cell ?? String(item.json);
  return item.tone ? style[toneStyle[item.tone]](text) : text;
}

function cell(items: readonly Item[], column: Column, style: Paint): Cell {
  const parts = items.filter((item) => item.column === column.head).map((item) => cellPart(item, style));
  return column.units ? parts : parts.filter(Boolean).join(' ');
}

/** The layout of `columns` for a terminal `width` columns wide (none: unlimited). */
export function layoutOf(columns: readonly Column[], width?: number): TableLayout {
  const keep = columns.flatMap((c, i) => (c.keep ? [i] : []));
  const wrap = columns.findIndex((c) => c.wrap);
  return { ...(keep.length ? { keep } : {}), ...(wrap >= 0 ? { wrap } : {}), ...(width ? { width } : {}) };
}

/** One row per record. */
export function itemsTable(columns: readonly Column[], records: readonly (readonly Item[])[], style: Paint, color: boolean, width?: number): Promise<string> {
  const rows = records.map((items) => columns.map((c) => cell(items, c, style)));
  return renderTable(columns.map((c) => c.head), rows, style, color, layoutOf(columns, width));
}

/** One record as rows of its items' labels (their `column`, styled by `label`) and cells, under `head`. */
export function itemRowsTable(
  head: [string, string],
  items: readonly Item[],
  style: Paint,
  color: boolean,
  layout: TableLayout = {},
  label: (text: string) => string = (text) => text,
): Promise<string> {
  const rows = items.filter((item) => item.column !== undefined).map((item) => [label(item.column!), cellPart(item, style)]);
  return renderTable(head, rows, style, color, layout);
}
