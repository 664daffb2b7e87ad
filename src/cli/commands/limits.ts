/** `limits set|show`: the in-kernel PM's per-connection limits. */
import type { CommandContext } from '../context.js';
import { parseLimitsArgs, type LimitsArgs } from '../grammar/limits.js';
import { withInKernelHint } from '../hints.js';
import { limitsJson, limitsTable, limitsText } from '../output/records/limits.js';
import { print } from '../output/print.js';
import { textOutput } from '../output/format.js';

export async function limitsSet(ctx: CommandContext, words: string[]): Promise<void> {
  return runLimitsSet(ctx, parseLimitsArgs(words));
}

/** Runs a parsed `limits set` (batch lines are parsed when the file is checked). */
export async function runLimitsSet(ctx: CommandContext, args: LimitsArgs): Promise<void> {
  const pm = await ctx.session.pathManager();
  await withInKernelHint(ctx.session.netns, args, () => pm.listEndpoints(), () => pm.setLimits(args));
  if (ctx.verbose) ctx.note(limitsText(await pm.getLimits()).trimEnd());
}

/** Accepts the same words as set, like ip (they are checked, then ignored). */
export async function limitsShow(ctx: CommandContext, words: string[]): Promise<void> {
  parseLimitsArgs(words);
  return runLimitsShow(ctx);
}

export async function runLimitsShow(ctx: CommandContext): Promise<void> {
  const pm = await ctx.session.pathManager();
  const limits = await pm.getLimits();
  await print(ctx, {
    json: () => limitsJson(limits, ctx.out.pretty),
    table: (style, color) => limitsTable(limits, style, color),
    text: () => textOutput(limitsText(limits), ctx.out),
  });
}
