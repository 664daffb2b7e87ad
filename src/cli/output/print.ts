/** Prints a command's result in the chosen format: one place for the json/table/text choice. */
import type { CommandContext } from '../context.js';
import { paint, type Paint } from './colors.js';

export interface Renderings {
  json: () => string;
  /** Only called on a terminal format; gets the colours (loaded only then) and the terminal's width. */
  table: (style: Paint, color: boolean, width: number | undefined) => Promise<string>;
  text: () => string;
}

export async function print(ctx: CommandContext, render: Renderings): Promise<void> {
  const { format, color } = ctx.out;
  if (format === 'json') ctx.write(render.json());
  else if (format === 'table') ctx.write(await render.table(await paint(color), color, ctx.out.width));
  else ctx.write(render.text());
}
