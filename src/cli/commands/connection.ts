/**
 * `connection show [SELECTOR]...` and `subflow show [SELECTOR]...`: live sockets from sock_diag.
 * Selectors (grammar/selectors.ts): token, src, dst, sport, dport, dev; the kernel filters by all
 * but the token.
 */
import { SockDiag, type DiagFilter } from '../../diag/sockdiag.js';
import type { SocketRecord } from '../../diag/records.js';
import { NotFoundError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { parseSocketSelectors, type SocketSelectors } from '../grammar/selectors.js';
import { textOutput } from '../output/format.js';
import { connectionsJson, connectionsTable, connectionsText, subflowsJson, subflowsTable, subflowsText } from '../output/records/connection.js';
import { print } from '../output/print.js';

// In this module's lazy bundle (scripts/split-bundle.mjs), with the other connection verbs.
export { connectionExplain, parseExplainArgs } from './connection-explain.js';
export { parseSocketSelectors } from '../grammar/selectors.js';

async function withDiag<T>(ctx: CommandContext, fn: (diag: SockDiag) => Promise<T>): Promise<T> {
  const diag = SockDiag.open(ctx.session.netns === undefined ? {} : { netns: ctx.session.netns });
  diag.trace = ctx.session.trace;
  try {
    return await fn(diag);
  } finally {
    await diag.close();
  }
}

/** The selectors as the sock_diag filter: `dev` becomes the interface's index in the namespace. */
async function diagFilter(ctx: CommandContext, s: SocketSelectors): Promise<DiagFilter> {
  const filter: DiagFilter = {};
  if (s.token !== undefined) filter.token = s.token;
  if (s.src) filter.src = s.src;
  if (s.dst) filter.dst = s.dst;
  if (s.dev !== undefined) filter.ifindex = await ctx.session.interfaceIndex(s.dev);
  return filter;
}

/** Interface names, read only when a socket is bound to a device (ss's `%dev`). */
async function namesFor(ctx: CommandContext, records: readonly SocketRecord[]): Promise<ReadonlyMap<number, string>> {
  return records.some((r) => r.ifindex) ? ctx.session.interfaces() : new Map();
}

/** `token TOKEN` that names no connection: the same error for `connection show` and `subflow show`. */
function unknownToken(ctx: CommandContext): NotFoundError {
  return new NotFoundError(`no MPTCP connection has the token given${ctx.session.netns ? ` in network namespace "${ctx.session.netns}"` : ''} (tokens are secret: not repeated here)`);
}

export async function connectionShow(ctx: CommandContext, words: string[]): Promise<void> {
  const selectors = parseSocketSelectors(words);
  const filter = await diagFilter(ctx, selectors);
  const connections = await withDiag(ctx, (diag) => diag.listConnections(filter));
  if (selectors.token !== undefined && connections.length === 0) throw unknownToken(ctx);
  const names = await namesFor(ctx, connections);
  await print(ctx, {
    json: () => connectionsJson(connections, ctx.out.pretty, names),
    table: async (style, color, width) => (connections.length ? connectionsTable(connections, style, color, width, names) : ''),
    text: () => textOutput(connectionsText(connections, names), ctx.out),
  });
}

export async function subflowShow(ctx: CommandContext, words: string[]): Promise<void> {
  const filter = await diagFilter(ctx, parseSocketSelectors(words));
  const subflows = await withDiag(ctx, async (diag) => {
    const found = await diag.listSubflows(filter);
    // No subflow: an unknown token is an error, as for `connection show`; a connection without
    // subflows (a listener) prints nothing.
    if (filter.token !== undefined && found.length === 0 && (await diag.listConnections(filter)).length === 0) throw unknownToken(ctx);
    return found;
  });
  const names = await namesFor(ctx, subflows);
  await print(ctx, {
    json: () => subflowsJson(subflows, ctx.out.pretty, names),
    table: async (style, color, width) => (subflows.length ? subflowsTable(subflows, style, color, width, names) : ''),
    text: () => textOutput(subflowsText(subflows, names), ctx.out),
  });
}
