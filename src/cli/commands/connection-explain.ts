/**
 * `connection explain [token TOKEN | dst ADDR[:PORT] | src ADDR[:PORT]]`: each connection's
 * subflows and, for every path it could have, whether it exists or why not (src/diag/explain.ts).
 */
import { explainConnections, type ExplainFilter } from '../../diag/explain.js';
import { gatherExplainSnapshot } from '../../diag/explain-gather.js';
import { NotFoundError, UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { didYouMean, matchKeyword, parseToken, quote } from '../grammar/words.js';
import { parseHost } from '../grammar/selectors.js';
import { explanationJson, explanationText } from '../output/records/connection-explain.js';
import { print } from '../output/print.js';

/** `10.0.0.1`, `10.0.0.1:80`, `2001:db8::1`, `[2001:db8::1]:80` -> address and optional port. Pure. */
export function parseAddressPort(word: string, keyword: string): { address: string; port?: number } {
  const { address, port } = parseHost(word, keyword);
  if (address === undefined) throw new UsageError(`${quote(word)} after "${keyword}" is not an address (expected ADDR or ADDR:PORT, IPv6 as [ADDR]:PORT)`);
  return port === undefined ? { address } : { address, port };
}

const KEYWORDS = ['token', 'dst', 'src'] as const;

/** The filter words; at most one of each keyword. Pure. */
export function parseExplainArgs(words: string[]): ExplainFilter {
  const filter: ExplainFilter = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const keyword = (word === '' ? undefined : matchKeyword(word, KEYWORDS)) as (typeof KEYWORDS)[number] | undefined;
    if (!keyword) {
      const guess = didYouMean(word, KEYWORDS);
      throw new UsageError(`unknown word ${quote(word)}${guess ? `: did you mean "${guess}"?` : ' (expected token TOKEN, dst ADDR[:PORT] or src ADDR[:PORT])'}`);
    }
    if (filter[keyword] !== undefined) throw new UsageError(`"${keyword}" given twice`);
    const value = words[++i];
    if (value === undefined) throw new UsageError(`"${keyword}" needs a value`);
    if (keyword === 'token') filter.token = parseToken(value);
    else filter[keyword] = parseAddressPort(value, keyword);
  }
  return filter;
}

export async function connectionExplain(ctx: CommandContext, words: string[]): Promise<void> {
  const filter = parseExplainArgs(words);
  const snapshot = await gatherExplainSnapshot({
    ...(ctx.session.netns === undefined ? {} : { netns: ctx.session.netns }),
    ...(ctx.session.trace ? { trace: ctx.session.trace } : {}),
    pm: await ctx.session.pathManager(),
  });
  const explanation = explainConnections(snapshot, filter);
  if (filter.token !== undefined && explanation.connections.length === 0) {
    throw new NotFoundError(`no MPTCP connection has the token given${ctx.session.netns ? ` in network namespace "${ctx.session.netns}"` : ''} (tokens are secret: not repeated here)`);
  }
  await print(ctx, {
    json: () => explanationJson(explanation, ctx.out.pretty),
    table: async (style) => explanationText(explanation, style),
    text: () => explanationText(explanation),
  });
}
