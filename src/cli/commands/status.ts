/**
 * `status`: one namespace's MPTCP state (settings, path manager, family features, limits,
 * endpoints, connections) with lint warnings; and `endpoint show --check`, the endpoints with the
 * same warnings. Both answer "why is no second subflow created?" without reading kernel sources.
 */
import { lintStatus } from '../../diag/lint.js';
import { gatherStatus } from '../../diag/status.js';
import { UsageError } from '../../netlink/errors.js';
import type { CommandContext } from '../context.js';
import { quote, type EndpointArgs } from '../grammar.js';
import { textOutput } from '../output.js';
import { endpointJson, endpointsTable, endpointsText } from '../render/endpoint.js';
import { ipJson } from '../render/ip-json.js';
import { statusJson, statusTable, statusText, warningJson, warningsText } from '../render/status.js';
import { print } from '../print.js';

async function snapshot(ctx: CommandContext) {
  const s = await gatherStatus({
    ...(ctx.session.netns === undefined ? {} : { netns: ctx.session.netns }),
    ...(ctx.session.trace ? { trace: ctx.session.trace } : {}),
    pm: await ctx.session.pathManager().catch(() => undefined),
  });
  return { s, warnings: lintStatus(s) };
}

export async function statusCommand(ctx: CommandContext, words: string[]): Promise<void> {
  if (words.length) throw new UsageError(`status takes no arguments (got ${quote(words[0]!)}); use -n NAME for another namespace`);
  const { s, warnings } = await snapshot(ctx);
  await print(ctx, {
    json: () => statusJson(s, warnings, s.interfaces, ctx.out.pretty),
    table: (style, color, width) => statusTable(s, warnings, s.interfaces, style, color, width),
    text: () => statusText(s, warnings, s.interfaces),
  });
}

/**
 * `endpoint show --check`: the endpoints as `endpoint show` prints them, then the warnings; under
 * JSON one object `{"endpoints": [...], "warnings": [...]}`. Lookups (`show id N --check`) are not
 * lints of the whole configuration, so they are refused.
 */
export async function endpointCheck(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  if (args.id !== undefined || args.address !== undefined || args.token !== undefined || args.dev !== undefined || args.flags !== 0) {
    throw new UsageError('endpoint show --check checks the whole configuration: give no other arguments');
  }
  const { s, warnings } = await snapshot(ctx);
  await print(ctx, {
    json: () => ipJson({ endpoints: s.endpoints.map((e) => endpointJson(e, s.interfaces)), warnings: warnings.map(warningJson) }, ctx.out.pretty),
    table: async (style, color, width) =>
      (s.endpoints.length ? await endpointsTable(s.endpoints, s.interfaces, style, color, width) : '') + (warnings.length ? warningsText(warnings) : 'no warnings\n'),
    text: () => textOutput(endpointsText(s.endpoints, s.interfaces, ctx.out.color), ctx.out) + warningsText(warnings),
  });
}
