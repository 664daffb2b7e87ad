/**
 * `announce`, `remove`, `subflow create|destroy`: the userspace path manager, which acts on one
 * connection (token) at a time. Each command parses all its words first, so nothing is sent for
 * a bad command line; refusals that mean "wrong path manager" come back with a hint (explain.ts).
 */
import type { AddressInput } from '../../mptcp/records.js';
import { AddressFlag } from '../../families/mptcp-pm.js';
import type { MptcpPm } from '../../pm/client.js';
import type { CommandContext } from '../context.js';
import { withPathManagerHint } from '../explain.js';
import { parseAnnounceArgs, parseRemoveArgs, parseSubflowCreateArgs, parseSubflowDestroyArgs } from '../grammar/userspace.js';

async function send(ctx: CommandContext, token: number, request: (pm: MptcpPm) => Promise<void>): Promise<void> {
  const pm = await ctx.session.pathManager();
  await withPathManagerHint(ctx.session.netns, token, () => request(pm));
}

/** `[address:]port` for messages, with IPv6 in brackets. */
const at = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

export async function announceCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const args = parseAnnounceArgs(words);
  // The kernel (>= 6.9) insists on signal: ANNOUNCE is ADD_ADDR.
  const local: AddressInput = { address: args.address, id: args.id, flags: AddressFlag.signal };
  if (args.port) local.port = args.port;
  if (args.dev !== undefined) local.ifindex = await ctx.session.interfaceIndex(args.dev);
  await send(ctx, args.token, (pm) => pm.announce(args.token, local));
  // Never the token, not even under -v: notes end up in logs, and a token lets anyone add subflows.
  if (ctx.verbose) ctx.note(`announced ${args.address} id ${args.id} on the connection`);
}

export async function removeCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const args = parseRemoveArgs(words);
  await send(ctx, args.token, (pm) => pm.remove(args.token, args.id));
  if (ctx.verbose) ctx.note(`removed id ${args.id} from the connection`);
}

export async function subflowCreateCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const args = parseSubflowCreateArgs(words);
  const local: AddressInput = { address: args.local.address };
  if (args.local.id !== undefined) local.id = args.local.id;
  if (args.local.port) local.port = args.local.port;
  if (args.backup) local.flags = AddressFlag.backup;
  if (args.local.dev !== undefined) local.ifindex = await ctx.session.interfaceIndex(args.local.dev);
  await send(ctx, args.token, (pm) => pm.subflowCreate(args.token, local, args.remote));
  if (ctx.verbose) {
    // Asynchronous: the kernel's ack only means the SYN left.
    ctx.note(`SYN sent from ${args.local.address} to ${at(args.remote.address, args.remote.port)}: \`mptcpctl monitor\` shows SF_ESTABLISHED or SF_CLOSED`);
  }
}

export async function subflowDestroyCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const args = parseSubflowDestroyArgs(words);
  await send(ctx, args.token, (pm) => pm.subflowDestroy(args.token, args.local, args.remote));
  if (ctx.verbose) ctx.note(`closed subflow ${at(args.local.address, args.local.port)} -> ${at(args.remote.address, args.remote.port)}`);
}
