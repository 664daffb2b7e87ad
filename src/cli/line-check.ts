/**
 * Each action's words checked without running it: what a batch file is read through before its
 * first request is sent (batch.ts), so that a usage error on any line leaves everything as it was.
 * The checks are the commands' own parsers; `dev NAME` is looked up in the namespace's interface
 * list (a read, as the command itself would do), since a missing interface is a usage error too.
 * The frequent commands come back ready to run on what was parsed, so a line is parsed once.
 */
import type { CommandContext } from './context.js';
import type { Session } from './session.js';
import type { EndpointVerb } from './grammar/endpoint.js';
import { parseLimitsArgs } from './grammar/limits.js';
import { endpointDevice, flushCommand, parseEndpointCommand, runEndpointCommand } from './commands/endpoint.js';
import { runLimitsSet, runLimitsShow } from './commands/limits.js';
import type { ConfigVerb } from './grammar/config.js';

/** A checked line, ready to run. */
export type CheckedRun = (ctx: CommandContext) => Promise<void>;

/**
 * Throws the usage error running the words would; may return the checked line ready to run.
 * Synchronous where nothing is to be looked up (most lines): an await per line is not free.
 */
type Check = (session: Session, words: string[]) => Promise<CheckedRun | void> | CheckedRun | void;

const userspace = () => import('./grammar/userspace.js');
// The listings' module is in the lazy bundle: their grammars are reached through it.
const connection = () => import('./commands/connection.js');
// So is `config`'s: its grammar is not loaded for the lines that do not need it.
const config = () => import('./commands/config.js');

const withDevice = async (session: Session, dev: string | undefined): Promise<void> => {
  if (dev !== undefined) await session.interfaceIndex(dev);
};

const endpoint =
  (verb: EndpointVerb): Check =>
  (session, words) => {
    const parsed = parseEndpointCommand(verb, words);
    const run = (ctx: CommandContext): Promise<void> => runEndpointCommand(ctx, parsed);
    const dev = endpointDevice(parsed.args);
    return dev === undefined ? run : session.interfaceIndex(dev).then(() => run);
  };

/** By object and verb, as the actions table (actions.ts); every action has its check. */
export const checks: Record<string, Record<string, Check>> = {
  endpoint: {
    add: endpoint('add'),
    change: endpoint('change'),
    delete: endpoint('delete'),
    show: endpoint('show'),
    // ip ignores anything after flush; so does the command.
    flush: () => flushCommand,
  },
  limits: {
    set: (_, words) => {
      const args = parseLimitsArgs(words);
      return (ctx: CommandContext) => runLimitsSet(ctx, args);
    },
    show: (_, words) => {
      parseLimitsArgs(words);
      return runLimitsShow;
    },
  },
  announce: { announce: async (session, words) => withDevice(session, (await userspace()).parseAnnounceArgs(words).dev) },
  remove: { remove: async (_, words) => void (await userspace()).parseRemoveArgs(words) },
  subflow: {
    create: async (session, words) => withDevice(session, (await userspace()).parseSubflowCreateArgs(words).local.dev),
    destroy: async (_, words) => void (await userspace()).parseSubflowDestroyArgs(words),
    show: async (session, words) => withDevice(session, (await connection()).parseSocketSelectors(words).dev),
  },
  connection: {
    show: async (session, words) => withDevice(session, (await connection()).parseSocketSelectors(words).dev),
    explain: async (_, words) => void (await connection()).parseExplainArgs(words),
  },
  status: { status: async (_, words) => (await import('./commands/status.js')).checkStatusWords(words) },
  // The file itself is read and checked when the line runs (its problems are listed then).
  config: Object.fromEntries(
    (['show', 'diff', 'apply', 'try', 'confirm', 'follow'] as const).map((verb: ConfigVerb): [string, Check] => [verb, async (_, words) => void (await config()).parseConfigArgs(verb, words)]),
  ),
};

/**
 * Throws (or rejects with) what running `object verb words` would throw for a usage error,
 * without sending anything; gives the line ready to run, or nothing when the action is to run
 * on its words.
 */
export function checkAction(session: Session, object: string, verb: string, words: string[]): Promise<CheckedRun | void> | CheckedRun | void {
  return checks[object]![verb]!(session, words);
}
