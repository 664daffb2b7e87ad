/** `endpoint add|delete|change|show|flush`: the in-kernel PM's endpoints, and token-scoped variants. */
import type { Endpoint } from '../../mptcp/records.js';
import type { AddressInput } from '../../mptcp/records.js';
import { AddressFlag } from '../../families/mptcp-pm.js';
import { UsageError } from '../../errors.js';
import type { MptcpPm } from '../../pm/client.js';
import type { CommandContext } from '../context.js';
import { withPathManagerHint } from '../explain.js';
import { withInKernelHint, type RefusedRequest } from '../hints.js';
import { parseEndpointArgs, type EndpointArgs, type EndpointVerb } from '../grammar/endpoint.js';
import { endpointsJson, endpointsTable, endpointsText } from '../output/records/endpoint.js';
import { print } from '../output/print.js';
import { textOutput } from '../output/format.js';
import { hostNames } from '../host-names.js';

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
    if (ctx.verbose) {
      const at = (address: string, port: number | undefined): string => `${address}${port ? ` port ${port}` : ''}`;
      ctx.note(`changed subflows ${at(args.address!, args.port)} -> ${at(args.remote!.address!, args.remote!.port)}: ${args.flags & AddressFlag.backup ? 'backup' : 'nobackup'}`);
    }
    return;
  }
  // ip semantics: the flags given replace both backup and fullmesh (see --help).
  const target = args.address === undefined ? undefined : await endpointAt(pm, args.address, args.port);
  // The endpoint found by its address is changed by id: exact, whatever shares its address.
  const local = target ? { id: target.id, flags: args.flags } : await localAddress(ctx, args);
  const before = target ?? (ctx.verbose ? (await pm.listEndpoints()).find((e) => e.id === args.id) : undefined);
  await hinted(ctx, { address: args.address, id: args.id, port: args.port }, () => pm.setEndpointFlags(local));
  if (ctx.verbose) {
    const after = await pm.getEndpoint(local.id ?? before?.id ?? 0).catch(() => undefined);
    ctx.note(after ? `changed endpoint ${after.address}${after.port ? ` port ${after.port}` : ''} id ${after.id}: ${flagChange(before?.flags ?? after.flags, after.flags)}` : 'changed');
  }
}

/**
 * The endpoint `change ADDRESS [port PORT]` means: the one the kernel matches (that port, or no
 * port), and also, without a port, the only endpoint with this address when it has a port (ip
 * finds none then). Several with ports and no port given: a usage error that lists them.
 * Undefined: no endpoint has this address, so the kernel is asked as ip asks it and its refusal
 * explained.
 */
async function endpointAt(pm: MptcpPm, address: string, port: number | undefined): Promise<Endpoint | undefined> {
  const same = (await pm.listEndpoints()).filter((e) => e.address === address);
  // With a port: that endpoint, else (as the kernel matches) one without a port.
  if (port) return same.find((e) => e.port === port) ?? same.find((e) => !e.port);
  // What ip changes when it changes anything: the endpoint without a port.
  const portless = same.find((e) => !e.port);
  if (portless || same.length <= 1) return portless ?? same[0];
  const list = same.map((e) => `id ${e.id} port ${e.port}`).join(', ');
  throw new UsageError(`endpoint change ${address}: ${same.length} endpoints have this address (${list}): add "port PORT" or use "id ID" to say which`);
}

/** What a change did to the two flags it sets (`backup -> nobackup`), for -v. */
export function flagChange(before: number, after: number): string {
  const states = (flags: number): [string, string] => [flags & AddressFlag.backup ? 'backup' : 'nobackup', flags & AddressFlag.fullmesh ? 'fullmesh' : 'nofullmesh'];
  const [was, now] = [states(before), states(after)];
  const changed = was.flatMap((word, i) => (word === now[i] ? [] : [`${word} -> ${now[i]}`]));
  return changed.length ? changed.join(', ') : `unchanged (${now.join(' ')})`;
}

async function show(ctx: CommandContext, args: EndpointArgs): Promise<void> {
  const pm = await ctx.session.pathManager();
  // The grammar lets other words through only with an id (ip sends them, the kernel reads only the id).
  const id = args.id;
  const found: Endpoint[] = await withPathManagerHint(ctx.session.netns, args.token, async () =>
    id !== undefined
      ? [args.token === undefined ? await hinted(ctx, { id }, () => pm.getEndpoint(id)) : await pm.getEndpoint(id, args.token)]
      : await pm.listEndpoints(args.token),
  );
  const endpoints = ctx.out.resolve ? await withHostNames(found) : found;
  const names = endpoints.some((e) => e.ifindex) ? await ctx.session.interfaces() : new Map<number, string>();
  await print(ctx, {
    json: () => endpointsJson(endpoints, names, ctx.out.pretty),
    table: async (style, color, width) => (endpoints.length ? endpointsTable(endpoints, names, style, color, width) : ''),
    text: () => textOutput(endpointsText(endpoints, names, ctx.out.color), ctx.out),
  });
}

/** ip's `-r`: each address as the host name the resolver has for it, else as it is. */
async function withHostNames(endpoints: Endpoint[]): Promise<Endpoint[]> {
  const names = await hostNames(endpoints.map((e) => e.address));
  return endpoints.map((e) => ({ ...e, address: names.get(e.address) ?? e.address }));
}
