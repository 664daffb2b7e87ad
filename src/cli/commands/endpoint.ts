/** `endpoint add|delete|change|show|flush`: the in-kernel PM's endpoints, and token-scoped variants. */
import type { Endpoint } from '../../mptcp/records.js';
import type { AddressInput } from '../../mptcp/records.js';
import type { CommandContext } from '../context.js';
import { withPathManagerHint } from '../explain.js';
import { withInKernelHint, type RefusedRequest } from '../hints.js';
import { parseEndpointArgs, type EndpointArgs, type EndpointVerb } from '../grammar.js';
import { endpointsJson, endpointsTable, endpointsText } from '../render/endpoint.js';
import { print } from '../print.js';
import { UsageError } from '../../netlink/errors.js';
import { textOutput } from '../output.js';

/**
 * The words after `endpoint VERB`, checked (pure). `show --check` also lints the configuration
 * (the word reaches here from commander and from batch lines alike); a lookup (`show id N
 * --check`) is not a lint of the whole configuration, so it is refused.
 */
export function parseEndpointCommand(verb: EndpointVerb, words: string[]): { args: EndpointArgs; check: boolean } {
  const check = verb === 'show' && words.includes('--check');
  const args = parseEndpointArgs(verb, check ? words.filter((w) => w !== '--check') : words);
  if (check && (args.id !== undefined || args.address !== undefined || args.token !== undefined || args.dev !== undefined || args.flags !== 0)) {
    throw new UsageError('endpoint show --check checks the whole configuration: give no other arguments');
  }
  return { args, check };
}

/** The interface a command would resolve `dev NAME` to: add, and change without a token. */
export function endpointDevice(args: EndpointArgs): string | undefined {
  return args.verb === 'add' || (args.verb === 'change' && args.token === undefined) ? args.dev : undefined;
}

/** Parses first (nothing is sent for invalid input), then runs. */
export async function endpointCommand(ctx: CommandContext, verb: EndpointVerb, words: string[]): Promise<void> {
  return runEndpointCommand(ctx, parseEndpointCommand(verb, words));
}

/** Runs a parsed `endpoint VERB` (batch lines are parsed when the file is checked). */
export async function runEndpointCommand(ctx: CommandContext, { args, check }: { args: EndpointArgs; check: boolean }): Promise<void> {
  switch (args.verb) {
    case 'add':
      return add(ctx, args);
    case 'delete':
      return remove(ctx, args);
    case 'change':
      return change(ctx, args);
    case 'show':
      return check ? (await import('./status.js')).endpointCheck(ctx) : show(ctx, args);
  }
}

/** Runs an in-kernel PM request so that a frequent refusal comes back with a hint (see hints.ts). */
async function hinted<T>(ctx: CommandContext, request: RefusedRequest, run: () => Promise<T>): Promise<T> {
  const pm = await ctx.session.pathManager();
  return withInKernelHint(ctx.session.netns, request, () => pm.listEndpoints(), run);
}

export async function flushCommand(ctx: CommandContext): Promise<void> {
  const pm = await ctx.session.pathManager();
  await pm.flushEndpoints();
  if (ctx.verbose) ctx.note('flushed all endpoints');
}

async function localAddress(ctx: CommandContext, args: EndpointArgs): Promise<AddressInput> {
  const input: AddressInput = { flags: args.flags };
  if (args.id !== undefined) input.id = args.id;
  if (args.port) input.port = args.port;
  if (args.address !== undefined) input.address = args.address;
  if (args.dev !== undefined) input.ifindex = await ctx.session.interfaceIndex(args.dev);
  return input;
}

async function add(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  const input = await localAddress(ctx, args);
  const pm = await ctx.session.pathManager();
  await hinted(ctx, { address: args.address!, id: args.id, port: args.port }, () => pm.addEndpoint({ ...input, address: args.address! }));
  if (ctx.verbose) ctx.note(`added endpoint ${args.address}${args.id ? ` id ${args.id}` : ''}`);
}

async function remove(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  const pm = await ctx.session.pathManager();
  await hinted(ctx, { id: args.id }, () => pm.deleteEndpoint(args.id!, args.id === 0 ? args.address : undefined));
  if (ctx.verbose) ctx.note(`deleted endpoint id ${args.id}`);
}

async function change(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  const pm = await ctx.session.pathManager();
  if (args.token !== undefined) {
    const local: AddressInput = { address: args.address!, flags: args.flags };
    if (args.port) local.port = args.port;
    const remote: AddressInput = { address: args.remote!.address! };
    if (args.remote!.port) remote.port = args.remote!.port;
    await withPathManagerHint(ctx.session.netns, args.token, () => pm.setSubflowPriority(args.token!, local, remote));
  } else {
    // ip semantics: the flags given replace both backup and fullmesh (see --help).
    const local = await localAddress(ctx, args);
    await hinted(ctx, { address: args.address, id: args.id, port: args.port }, () => pm.setEndpointFlags(local));
  }
  if (ctx.verbose) ctx.note('changed');
}

async function show(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  const pm = await ctx.session.pathManager();
  // Like ip: any argument makes it a lookup by id (absent id = 0, which the kernel never finds).
  const lookup = args.id !== undefined || args.address !== undefined || args.port !== undefined || args.dev !== undefined || args.flags !== 0;
  const endpoints: Endpoint[] = await withPathManagerHint(ctx.session.netns, args.token, async () =>
    lookup
      ? [args.token === undefined ? await hinted(ctx, { id: args.id ?? 0 }, () => pm.getEndpoint(args.id ?? 0)) : await pm.getEndpoint(args.id ?? 0, args.token)]
      : await pm.listEndpoints(args.token),
  );
  const names = endpoints.some((e) => e.ifindex) ? await ctx.session.interfaces() : new Map<number, string>();
  await print(ctx, {
    json: () => endpointsJson(endpoints, names, ctx.out.pretty),
    table: async (style, color) => (endpoints.length ? endpointsTable(endpoints, names, style, color) : ''),
    text: () => textOutput(endpointsText(endpoints, names, ctx.out.color), ctx.out),
  });
}
