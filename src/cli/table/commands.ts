/**
 * The command table: every object of the command line in ip's first-match order, each verb with
 * what it runs and how a batch line naming it is checked before anything is sent. Everything
 * else is derived from it: argv.ts expands abbreviations by it, the direct route (direct.ts) and
 * batch mode (batch.ts) run from it, program.ts builds commander's tree from it, the completion
 * scripts list its objects and verbs, and the bundle split places the modules it loads
 * (modules.ts, bundles.ts). What only commander and completion read, each verb's help and the
 * words completion offers after it, is its lazy half, help.ts, keyed by the same names (so the
 * bundle every start reads does not carry it; a test holds the two halves alike). Adding a verb
 * is one entry here and one help() there.
 */
import type { CommandContext } from '../context.js';
import type { Session } from '../session.js';
import { parseLimitsArgs } from '../grammar/limits.js';
import { parseAnnounceArgs, parseRemoveArgs, parseSubflowCreateArgs, parseSubflowDestroyArgs } from '../grammar/userspace.js';
import type { EndpointVerb } from '../grammar/endpoint.js';
import type { ConfigVerb } from '../grammar/config.js';
import { endpointDevice, flushCommand, parseEndpointCommand, runEndpointCommand } from '../commands/endpoint.js';
import { runLimitsSet, runLimitsShow } from '../commands/limits.js';
import { modules } from './modules.js';

/** What a verb does: a function of the context and the words after the verb. */
export type Action = (ctx: CommandContext, words: string[]) => Promise<void>;

/** A batch line checked, ready to run. */
export type CheckedRun = (ctx: CommandContext) => Promise<void>;

/**
 * Throws the usage error running the words would; may return the checked line ready to run (so
 * a line is parsed once). Synchronous where nothing is to be looked up (most lines): an await per
 * line is not free. `dev NAME` is looked up in the namespace, as the command itself would.
 */
export type Check = (session: Session, words: string[]) => Promise<CheckedRun | void> | CheckedRun | void;

export interface Verb {
  run: Action;
  check: Check;
}

export interface ObjectEntry {
  /**
   * Verbs in ip's first-match order (`endpoint s` is show). An object without verbs (announce,
   * status) has one verb of its own name, which takes all the words after the object.
   */
  verbs: Readonly<Record<string, Verb>>;
  /** The verb when none is given (`endpoint` is `endpoint show`). */
  defaultVerb?: string;
  /** A word that is not a verb starts the default verb's words (`connection token T`). */
  implicit?: boolean;
  aliases?: readonly string[];
  /** The object has no verbs of its own: its only verb has its name. */
  ownVerb?: boolean;
  /** Verb words that run another object, after the verbs (ip's quirk: `limits monitor` is the monitor). */
  elsewhere?: Readonly<Record<string, string>>;
}

/** An object commander alone runs: its options and help are declared in program.ts. */
export interface CommanderObject {
  commander: true;
}
const commander: CommanderObject = { commander: true };

type Modules = typeof modules;
type Exports<M extends keyof Modules> = Awaited<ReturnType<Modules[M]>>;
/** The exports of module `M` that are actions. */
type ActionOf<M extends keyof Modules> = { [K in keyof Exports<M>]: Exports<M>[K] extends Action ? K : never }[keyof Exports<M>];

/** Runs the action `name` of module `m`, loading the module first (a call, not a closure per verb: every start reads this table). */
const call =
  <M extends keyof Modules>(m: M, name: ActionOf<M>): Action =>
  async (ctx, words) =>
    ((await modules[m]()) as Record<ActionOf<M>, Action>)[name](ctx, words);

/** Looks the interface a line names up in the namespace (a missing one is a usage error too); nothing to wait for without one. */
const withDevice = (session: Session, dev: string | undefined): Promise<void> | void => {
  if (dev !== undefined) return session.interfaceIndex(dev).then(() => undefined);
};

const endpointVerb = (verb: EndpointVerb): Verb => ({
  run: async (ctx, w) => (await modules.endpoint()).endpointCommand(ctx, verb, w),
  check: (session, w) => {
    const parsed = parseEndpointCommand(verb, w);
    const run = (ctx: CommandContext): Promise<void> => runEndpointCommand(ctx, parsed);
    const dev = endpointDevice(parsed.args);
    return dev === undefined ? run : session.interfaceIndex(dev).then(() => run);
  },
});

// The file itself is read and checked when the line runs (its problems are listed then).
const configVerb = (verb: ConfigVerb): Verb => ({
  run: async (ctx, w) => (await modules.config()).configCommand(ctx, verb, w),
  check: async (_, w) => void (await modules.config()).parseConfigArgs(verb, w),
});

/** Every object in ip's first-match order: ip's own first, then mptcpctl's. */
export const commandTable = {
  endpoint: {
    verbs: {
      add: endpointVerb('add'),
      change: endpointVerb('change'),
      delete: endpointVerb('delete'),
      show: endpointVerb('show'),
      // ip ignores anything after flush; so do we.
      flush: { run: call('endpoint', 'flushCommand'), check: () => flushCommand },
    },
    defaultVerb: 'show',
  },
  limits: {
    verbs: {
      set: {
        run: call('limits', 'limitsSet'),
        check: (_, w) => {
          const args = parseLimitsArgs(w);
          return (ctx: CommandContext) => runLimitsSet(ctx, args);
        },
      },
      show: {
        run: call('limits', 'limitsShow'),
        check: (_, w) => {
          parseLimitsArgs(w);
          return runLimitsShow;
        },
      },
    },
    defaultVerb: 'show',
    // ip quirk kept: `limits monitor` (and `limits m`) runs the monitor.
    elsewhere: { monitor: 'monitor' },
  },
  monitor: commander,
  help: commander,
  announce: {
    verbs: {
      announce: {
        run: call('userspace', 'announceCommand'),
        check: (session, w) => withDevice(session, parseAnnounceArgs(w).dev),
      },
    },
    ownVerb: true,
  },
  remove: {
    verbs: {
      remove: {
        run: call('userspace', 'removeCommand'),
        check: (_, w) => void parseRemoveArgs(w),
      },
    },
    ownVerb: true,
  },
  subflow: {
    verbs: {
      create: {
        run: call('userspace', 'subflowCreateCommand'),
        check: (session, w) => withDevice(session, parseSubflowCreateArgs(w).local.dev),
      },
      destroy: {
        run: call('userspace', 'subflowDestroyCommand'),
        check: (_, w) => void parseSubflowDestroyArgs(w),
      },
      // The listings' module is in the lazy bundle: their grammars are reached through it.
      show: {
        run: call('connection', 'subflowShow'),
        check: async (session, w) => withDevice(session, (await modules.connection()).parseSocketSelectors(w).dev),
      },
    },
    defaultVerb: 'show',
    implicit: true,
  },
  connection: {
    verbs: {
      show: {
        run: call('connection', 'connectionShow'),
        check: async (session, w) => withDevice(session, (await modules.connection()).parseSocketSelectors(w).dev),
      },
      explain: {
        run: call('connection', 'connectionExplain'),
        check: async (_, w) => void (await modules.connection()).parseExplainArgs(w),
      },
    },
    defaultVerb: 'show',
    implicit: true,
    aliases: ['conn'],
  },
  status: {
    verbs: {
      status: {
        run: call('status', 'statusCommand'),
        check: async (_, w) => (await modules.status()).checkStatusWords(w),
      },
    },
    ownVerb: true,
  },
  completion: commander,
  stats: commander,
  exporter: commander,
  config: {
    verbs: {
      show: configVerb('show'),
      diff: configVerb('diff'),
      apply: configVerb('apply'),
      try: configVerb('try'),
      confirm: configVerb('confirm'),
      follow: configVerb('follow'),
    },
    defaultVerb: 'show',
  },
} satisfies Record<string, ObjectEntry | CommanderObject>;

export type ObjectName = keyof typeof commandTable;

/** Objects in first-match order. */
export const objects = Object.keys(commandTable) as ObjectName[];

/** The table's entry for an object that the table runs (not commander alone), or undefined. */
export function entryOf(object: string): ObjectEntry | undefined {
  if (!Object.hasOwn(commandTable, object)) return undefined;
  const entry: ObjectEntry | CommanderObject = commandTable[object as ObjectName];
  return 'verbs' in entry ? entry : undefined;
}

/** Aliases (`conn`) -> their object, from the table on first use (every batch line asks). */
let aliases: Map<string, string> | undefined;

/** The object a word names: an alias (`conn`) whole, else the first object it abbreviates. */
export function objectNamed(word: string): string | undefined {
  aliases ??= new Map(objects.flatMap((o) => (entryOf(o)?.aliases ?? []).map((alias): [string, string] => [alias, o])));
  return aliases.get(word) ?? objects.find((o) => word.length > 0 && o.startsWith(word));
}

/** Each object's verb words, made once (every batch line asks). */
const verbWordsOf = new Map<string, readonly string[] | undefined>();

/** The words of an object's verbs in first-match order, or undefined for an object without verbs. */
export function verbWords(object: string): readonly string[] | undefined {
  if (verbWordsOf.has(object)) return verbWordsOf.get(object);
  const entry = entryOf(object);
  if (!entry) return undefined;
  const words = entry.ownVerb ? undefined : Object.freeze([...Object.keys(entry.verbs), ...Object.keys(entry.elsewhere ?? {})]);
  verbWordsOf.set(object, words);
  return words;
}

/** What `[object, verb, ...words]` (canonical words) runs. */
export interface ActionCall {
  object: string;
  verb: string;
  action: Action;
  words: string[];
}

/**
 * The verb that canonical words name, or undefined. An object without verbs (announce, remove,
 * status) is its own verb and keeps all its words. Own keys only: `toString` is no object.
 */
export function findAction(words: readonly string[]): ActionCall | undefined {
  const [object, ...rest] = words;
  const spec = object === undefined ? undefined : entryOf(object);
  if (!spec) return undefined;
  const verb = spec.ownVerb ? object! : rest.shift();
  if (verb === undefined || !Object.hasOwn(spec.verbs, verb)) return undefined;
  return { object: object!, verb, action: spec.verbs[verb]!.run, words: rest };
}
