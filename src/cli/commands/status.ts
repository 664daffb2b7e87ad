/**
 * `status`: one namespace's MPTCP state (settings, path manager, family features, limits,
 * endpoints, connections) with lint warnings; and `endpoint show --check`, the endpoints with the
 * same warnings. Both answer "why is no second subflow created?" without reading kernel sources.
 */
import { lintStatus } from '../../diag/lint.js';
import { gatherStatus } from '../../diag/status.js';
import { UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { quote } from '../grammar/words.js';
import { textOutput } from '../output/format.js';
import { endpointJson, endpointsTable, endpointsText } from '../output/records/endpoint.js';
import { ipJson } from '../output/ip-json.js';
import { statusJson, statusTable, statusText, warningJson, warningsText } from '../output/records/status.js';
import { print } from '../output/print.js';

async function snapshot(ctx: CommandContext) {
  const s = await gatherStatus({
    ...(ctx.session.netns === undefined ? {} : { netns: ctx.session.netns }),
    ...(ctx.session.trace ? { trace: ctx.session.trace } : {}),
    pm: await ctx.session.pathManager().catch(() => undefined),
  });
  return { s, warnings: lintStatus(s) };
}

/** `status` takes no words (pure). */
export function checkStatusWords(words: string[]): void {
  if (words.length) throw new UsageError(`status takes no arguments (got ${quote(words[0]!)}); use -n NAME for another namespace`);
}

export async function statusCommand(ctx: CommandContext, words: string[]): Promise<void> {
  checkStatusWords(words);
  const { s, warnings } = await snapshot(ctx);
  await print(ctx, {
    json: () => statusJson(s, warnings, s.interfaces, ctx.out.pretty),
    table: (style, color, width) => statusTable(s, warnings, s.interfaces, style, color, width),
    text: () => statusText(s, warnings, s.interfaces),
  });
}

/**
 * `endpoint show --check`: the endpoints as `endpoint show` prints them, then the warnings; under
 * JSON one object `{"endpoints": [...], "warnings": [...]}`. Its words were checked by
 * parseEndpointCommand (endpoint.ts).
 */
export async function endpointCheck(ctx: CommandContext): Promise<void> {
  const { s, warnings } = await snapshot(ctx);
  await print(ctx, {
    json: () => ipJson({ endpoints: s.endpoints.map((e) => endpointJson(e, s.interfaces)), warnings: warnings.map(warningJson) }, ctx.out.pretty),
    table: async (style, color, width) =>
      (s.endpoints.length ? await endpointsTable(s.endpoints, s.interfaces, style, color, width) : '') + (warnings.length ? warningsText(warnings) : 'no warnings\n'),
    text: () => textOutput(endpointsText(s.endpoints, s.interfaces, ctx.out.color), ctx.out) + warningsText(warnings),
  });
}
