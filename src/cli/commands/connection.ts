/** `connection show [token TOKEN]` and `subflow show [token TOKEN]`: live sockets from sock_diag. */
import { SockDiag } from '../../diag/sockdiag.js';
import { NotFoundError, UsageError } from '../../netlink/errors.js';
import type { CommandContext } from '../context.js';
import { didYouMean, parseToken, quote } from '../grammar.js';
import { textOutput } from '../output.js';
import { connectionsJson, connectionsTable, connectionsText, subflowsJson, subflowsTable, subflowsText } from '../render/connection.js';
import { print } from '../print.js';

// In this module's lazy bundle (scripts/split-bundle.mjs), with the other connection verbs.
export { connectionExplain } from './connection-explain.js';

/** `[token TOKEN]`; ip-style: the keyword may be abbreviated. */
export function parseTokenFilter(words: string[]): { token?: number } {
  const filter: { token?: number } = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!'token'.startsWith(word) || word === '') {
      const guess = didYouMean(word, ['token']);
      throw new UsageError(`unknown word ${quote(word)}${guess ? ': did you mean "token"?' : ' (expected "token TOKEN")'}`);
    }
    const value = words[++i];
    if (value === undefined) throw new UsageError('"token" needs a value');
    filter.token = parseToken(value);
  }
  return filter;
}

async function withDiag<T>(ctx: CommandContext, fn: (diag: SockDiag) => Promise<T>): Promise<T> {
  const diag = SockDiag.open(ctx.session.netns === undefined ? {} : { netns: ctx.session.netns });
  diag.trace = ctx.session.trace;
  try {
    return await fn(diag);
  } finally {
    await diag.close();
  }
}

export async function connectionShow(ctx: CommandContext, words: string[]): Promise<void> {
  const filter = parseTokenFilter(words);
  const connections = await withDiag(ctx, (diag) => diag.listConnections(filter));
  if (filter.token !== undefined && connections.length === 0) throw new NotFoundError(`no MPTCP connection has the token given${ctx.session.netns ? ` in network namespace "${ctx.session.netns}"` : ''} (tokens are secret: not repeated here)`);
  await print(ctx, {
    json: () => connectionsJson(connections, ctx.out.pretty),
    table: async (style, color) => (connections.length ? connectionsTable(connections, style, color) : ''),
    text: () => textOutput(connectionsText(connections), ctx.out),
  });
}

export async function subflowShow(ctx: CommandContext, words: string[]): Promise<void> {
  const filter = parseTokenFilter(words);
  const subflows = await withDiag(ctx, (diag) => diag.listSubflows(filter));
  await print(ctx, {
    json: () => subflowsJson(subflows, ctx.out.pretty),
    table: async (style, color) => (subflows.length ? subflowsTable(subflows, style, color) : ''),
    text: () => textOutput(subflowsText(subflows), ctx.out),
  });
}
