/** How a table is laid out and drawn (cli-table3): see table.ts. Pure apart from loading cli-table3. */
import { stripVTControlCharacters } from 'node:util';
import type { Paint } from './colors.js';
import type { Cell, TableLayout } from './table.js';

/** Padding cli-table3 puts on each side of a cell. */
const PADDING = 1;
/** The narrowest a wrapped column gets (its content, padding excluded). */
const MIN_WRAPPED = 10;

const plainText = (text: string): string[] => [...stripVTControlCharacters(text)];
const visibleWidth = (text: string): number => Math.max(0, ...text.split('\n').map((line) => plainText(line).length));
const cellText = (cell: Cell): string => (typeof cell === 'string' ? cell : cell.join(' '));
/** The longest word of a cell: a column is narrowed below it only when nothing else is left. */
const longestWord = (cell: Cell): number => Math.max(0, ...cellText(cell).split(/\s+/).map((word) => plainText(word).length));

/** A word cut into pieces of `width` columns (its colours dropped: escapes cannot be cut). */
function hardBreak(word: string, width: number): string[] {
  const chars = plainText(word);
  if (chars.length <= width) return [word];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += width) pieces.push(chars.slice(i, i + width).join(''));
  return pieces;
}

/**
 * A cell on lines of at most `width` columns: text broken between words, units between units
 * (a unit wider than that, such as `write_seq` and its 20 digits, gets lines of its own and is
 * broken between its words), and a word wider than the column cut.
 */
function wrapCell(cell: Cell, width: number): string {
  const lines: string[] = [];
  let line = '';
  const add = (piece: string): void => {
    for (const part of hardBreak(piece, width)) {
      if (line && plainText(line).length + 1 + plainText(part).length > width) {
        lines.push(line);
        line = part;
      } else line = line ? `${line} ${part}` : part;
    }
  };
  const units = typeof cell === 'string' ? cell.split(/\s+/).filter(Boolean) : cell;
  for (const unit of units) {
    if (typeof cell !== 'string' && plainText(unit).length > width) {
      // On lines of its own, so its words stay together as far as they can.
      if (line) lines.push(line);
      line = '';
      for (const word of unit.split(' ')) add(word);
    } else add(unit);
  }
  return [...lines, line].join('\n');
}

/**
 * Column widths (content plus padding, as cli-table3's colWidths wants them) that fit `width`,
 * or undefined when the table fits as it is. Columns not kept are narrowed, the `wrap` column
 * first, then the widest: down to their longest word, then (if still too wide) down to their
 * heading. Kept columns never are: a table of them alone overflows. Pure, exported for tests.
 */
export function fitColumns(head: readonly string[], rows: readonly (readonly Cell[])[], layout: TableLayout): number[] | undefined {
  if (!layout.width) return undefined;
  const natural = head.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(cellText(r[i] ?? '')))) + 2 * PADDING);
  const borders = head.length + 1;
  let excess = natural.reduce((a, b) => a + b, 0) + borders - layout.width;
  if (excess <= 0) return undefined;
  const widths = [...natural];
  const keep = new Set(layout.keep ?? []);
  const order = head.map((_, i) => i).filter((i) => !keep.has(i) && i !== layout.wrap).sort((a, b) => natural[b]! - natural[a]!);
  if (layout.wrap !== undefined) order.unshift(layout.wrap);
  const headingFloor = (i: number): number => Math.max(visibleWidth(head[i]!), MIN_WRAPPED) + 2 * PADDING;
  const wordFloor = (i: number): number => Math.max(headingFloor(i), Math.max(0, ...rows.map((r) => longestWord(r[i] ?? ''))) + 2 * PADDING);
  for (const floor of [wordFloor, headingFloor]) {
    for (const i of order) {
      const cut = Math.min(excess, Math.max(0, widths[i]! - floor(i)));
      widths[i]! -= cut;
      excess -= cut;
      if (excess <= 0) return widths;
    }
  }
  return widths;
}

export async function drawTable(head: string[], rows: Cell[][], style: Paint, color: boolean, layout: TableLayout = {}): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const colWidths = fitColumns(head, rows, layout);
  const table = new Table({
    head: head.map((h) => style.heading(h)),
    style: { head: [], border: color ? ['grey'] : [] },
    // No rule between rows: one line per record unless a cell wraps.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    ...(colWidths ? { colWidths } : {}),
  });
  const asIs = (i: number): boolean => !colWidths || colWidths[i]! - 2 * PADDING >= Math.max(...rows.map((r) => visibleWidth(cellText(r[i] ?? ''))));
  table.push(...rows.map((row) => row.map((cell, i) => (asIs(i) ? cellText(cell) : wrapCell(cell, colWidths![i]! - 2 * PADDING)))));
  const lines = table.toString().split('\n');
  // The rule under the header (a single line: no column is made narrower than its heading),
  // drawn from the top border's shape (written as escapes: the bundles must be ASCII).
  const rule = lines[0]!.replace('\u250c', '\u251c').replaceAll('\u252c', '\u253c').replace('\u2510', '\u2524');
  return `${[lines[0], lines[1], rule, ...lines.slice(2)].join('\n')}\n`;
}
