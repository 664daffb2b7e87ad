/**
 * A terminal table: a rule under the header and none between rows, fitted to the terminal's
 * width by wrapping the widest column that may be wrapped (never one the caller keeps whole, such
 * as an address); a table of kept columns alone wider than the terminal overflows rather than cut
 * an address. The drawing (table-draw.ts, cli-table3) is loaded only when a table is printed.
 */
import type { Paint } from './colors.js';

export interface TableLayout {
  /** The terminal's width in columns; no limit when absent. */
  width?: number;
  /** Columns never wrapped (addresses, tokens): a table wider than the terminal overflows instead. */
  keep?: readonly number[];
  /** The column to wrap first (e.g. a free-text one); otherwise the widest that is not kept. */
  wrap?: number;
}

/**
 * A cell: text (wrapped at blanks when its column must narrow), or units kept whole (`key value`
 * pairs), joined by blanks and wrapped only between units.
 */
export type Cell = string | readonly string[];

export async function renderTable(head: string[], rows: Cell[][], style: Paint, color: boolean, layout: TableLayout = {}): Promise<string> {
  const { drawTable } = await import('./table-draw.js');
  return drawTable(head, rows, style, color, layout);
}
