/** A terminal table (cli-table3), loaded only when a table is printed. */
import type { Paint } from './style.js';

/** `compact`: no rule between rows (long lists, such as a screen redrawn by `stats --watch`). */
export async function renderTable(head: string[], rows: string[][], style: Paint, color: boolean, options: { compact?: boolean } = {}): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: head.map((h) => style.heading(h)),
    style: { head: [], border: color ? ['grey'] : [], compact: options.compact ?? false },
  });
  table.push(...rows);
  return `${table.toString()}\n`;
}
