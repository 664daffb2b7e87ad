/**
 * What each `object verb` does: a function of the context and the words after the verb, with
 * the command module loaded when it runs. Shared by the command tree (program.ts), batch mode
 * and the direct route (direct.ts), the last two without commander.
 */
import { verbs } from './argv.js';
import type { CommandContext } from './context.js';

export type Action = (ctx: CommandContext, words: string[]) => Promise<void>;

const endpoint = () => import('./commands/endpoint.js');
const limits = () => import('./commands/limits.js');
const userspace = () => import('./commands/userspace.js');
const connection = () => import('./commands/connection.js');
const status = () => import('./commands/status.js');
const config = () => import('./commands/config.js');

export const actions: Record<string, Record<string, Action>> = {
  endpoint: {
    add: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'add', w),
    change: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'change', w),
    delete: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'delete', w),
    show: async (ctx, w) => (await endpoint()).endpointCommand(ctx, 'show', w),
    // ip ignores anything after flush; so do we.
    flush: async (ctx) => (await endpoint()).flushCommand(ctx),
  },
  limits: {
    set: async (ctx, w) => (await limits()).limitsSet(ctx, w),
    show: async (ctx, w) => (await limits()).limitsShow(ctx, w),
  },
  // An object without verbs is its own only verb (batch.ts looks it up so).
  announce: { announce: async (ctx, w) => (await userspace()).announceCommand(ctx, w) },
  remove: { remove: async (ctx, w) => (await userspace()).removeCommand(ctx, w) },
  subflow: {
    create: async (ctx, w) => (await userspace()).subflowCreateCommand(ctx, w),
    destroy: async (ctx, w) => (await userspace()).subflowDestroyCommand(ctx, w),
    show: async (ctx, w) => (await connection()).subflowShow(ctx, w),
  },
  connection: {
    show: async (ctx, w) => (await connection()).connectionShow(ctx, w),
    explain: async (ctx, w) => (await connection()).connectionExplain(ctx, w),
  },
  status: { status: async (ctx, w) => (await status()).statusCommand(ctx, w) },
  config: Object.fromEntries(
    (['show', 'diff', 'apply', 'try', 'confirm', 'follow'] as const).map((verb): [string, Action] => [verb, async (ctx, w) => (await config()).configCommand(ctx, verb, w)]),
  ),
};

/** What `[object, verb, ...words]` (canonical words) runs. */
export interface ActionCall {
  object: string;
  verb: string;
  action: Action;
  words: string[];
}

/**
 * The action that canonical words name, or undefined. An object without verbs (announce,
 * remove, status) is its own verb and keeps all its words. Own keys only: `toString` is no object.
 */
export function findAction(words: readonly string[]): ActionCall | undefined {
  const [object, ...rest] = words;
  if (object === undefined || !Object.hasOwn(actions, object)) return undefined;
  const verb = Object.hasOwn(verbs, object) ? rest.shift() : object;
  const table = actions[object]!;
  if (verb === undefined || !Object.hasOwn(table, verb)) return undefined;
  return { object, verb, action: table[verb]!, words: rest };
}
