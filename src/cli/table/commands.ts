/**
 * The command table: every object of the command line in ip's first-match order, each verb with
 * what it runs, how a batch line naming it is checked before anything is sent, and the words
 * completion offers after it. Everything else is derived from it: argv.ts expands abbreviations
 * by it, the direct route (direct.ts) and batch mode (batch.ts) run from it, program.ts builds
 * commander's tree from it (the help texts, which only commander shows, are in help.ts, keyed by
 * the same names), the completion scripts list its words, and the bundle split reads the modules
 * it names (modules.ts, placed in bundles by bundles.ts). Adding a verb is one entry here and its help in help.ts.
 */
import type { CommandContext } from '../context.js';
import type { Session } from '../session.js';
import { parseLimitsArgs } from '../grammar/limits.js';
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
  /**
   * The words completion offers after the verb, in the order its usage shows them, blank
   * separated: `word` alone takes no value, `word:value` takes one completion cannot list (a
   * number, an address), `word:devs`, `word:tokens` and `word:ids` one it asks the kernel for
   * (interfaces, connection tokens, existing endpoint ids). A string: it is in every start's bundle.
   */
  words: string;
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

const withDevice = async (session: Session, dev: string | undefined): Promise<void> => {
  if (dev !== undefined) await session.interfaceIndex(dev);
};

const endpointVerb = (verb: EndpointVerb, words: Verb['words']): Verb => ({
  run: async (ctx, w) => (await modules.endpoint()).endpointCommand(ctx, verb, w),
  check: (session, w) => {
    const parsed = parseEndpointCommand(verb, w);
    const run = (ctx: CommandContext): Promise<void> => runEndpointCommand(ctx, parsed);
    const dev = endpointDevice(parsed.args);
    return dev === undefined ? run : session.interfaceIndex(dev).then(() => run);
  },
  words,
});

// The file itself is read and checked when the line runs (its problems are listed then).
const configVerb = (verb: ConfigVerb, words = ''): Verb => ({
  run: async (ctx, w) => (await modules.config()).configCommand(ctx, verb, w),
  check: async (_, w) => void (await modules.config()).parseConfigArgs(verb, w),
  words,
});

const selectors = 'token:tokens src:value dst:value sport:value dport:value dev:devs';

/** Every object in ip's first-match order: ip's own first, then mptcpctl's. */
export const commandTable = {
  endpoint: {
    verbs: {
      add: endpointVerb('add', 'dev:devs id:value port:value signal subflow backup fullmesh laminar'),
      change: endpointVerb('change', 'id:ids port:value backup nobackup fullmesh nofullmesh token:tokens remote:value'),
      delete: endpointVerb('delete', 'id:ids'),
      show: endpointVerb('show', 'id:ids token:tokens --check'),
      // ip ignores anything after flush; so do we.
      flush: { run: async (ctx) => (await modules.endpoint()).flushCommand(ctx), check: () => flushCommand, words: '' },
    },
    defaultVerb: 'show',
  },
  limits: {
    verbs: {
      set: {
        run: async (ctx, w) => (await modules.limits()).limitsSet(ctx, w),
        check: (_, w) => {
          const args = parseLimitsArgs(w);
          return (ctx: CommandContext) => runLimitsSet(ctx, args);
        },
        words: 'subflows:value add_addr_accepted:value',
      },
      show: {
        run: async (ctx, w) => (await modules.limits()).limitsShow(ctx, w),
        check: (_, w) => {
          parseLimitsArgs(w);
          return runLimitsShow;
        },
        words: '',
      },
    },
    defaultVerb: 'show',
    // ip quirk kept: `limits monitor` (and `limits m`) runs the monitor.
    elsewhere: { monitor: 'monitor' },
  },
  monitor: { commander: true },
  help: { commander: true },
  announce: {
    verbs: {
      announce: {
        run: async (ctx, w) => (await modules.userspace()).announceCommand(ctx, w),
        check: async (session, w) => withDevice(session, (await modules.userspaceGrammar()).parseAnnounceArgs(w).dev),
        words: 'id:value token:tokens port:value dev:devs',
      },
    },
    ownVerb: true,
  },
  remove: {
    verbs: {
      remove: {
        run: async (ctx, w) => (await modules.userspace()).removeCommand(ctx, w),
        check: async (_, w) => void (await modules.userspaceGrammar()).parseRemoveArgs(w),
        words: 'id:value token:tokens',
      },
    },
    ownVerb: true,
  },
  subflow: {
    verbs: {
      create: {
        run: async (ctx, w) => (await modules.userspace()).subflowCreateCommand(ctx, w),
        check: async (session, w) => withDevice(session, (await modules.userspaceGrammar()).parseSubflowCreateArgs(w).local.dev),
        words: 'token:tokens local:value id:value port:value dev:devs remote:value backup',
      },
      destroy: {
        run: async (ctx, w) => (await modules.userspace()).subflowDestroyCommand(ctx, w),
        check: async (_, w) => void (await modules.userspaceGrammar()).parseSubflowDestroyArgs(w),
        words: 'token:tokens local:value port:value remote:value',
      },
      // The listings' module is in the lazy bundle: their grammars are reached through it.
      show: {
        run: async (ctx, w) => (await modules.connection()).subflowShow(ctx, w),
        check: async (session, w) => withDevice(session, (await modules.connection()).parseSocketSelectors(w).dev),
        words: selectors,
      },
    },
    defaultVerb: 'show',
    implicit: true,
  },
  connection: {
    verbs: {
      show: {
        run: async (ctx, w) => (await modules.connection()).connectionShow(ctx, w),
        check: async (session, w) => withDevice(session, (await modules.connection()).parseSocketSelectors(w).dev),
        words: selectors,
      },
      explain: {
        run: async (ctx, w) => (await modules.connection()).connectionExplain(ctx, w),
        check: async (_, w) => void (await modules.connection()).parseExplainArgs(w),
        words: 'token:tokens dst:value src:value',
      },
    },
    defaultVerb: 'show',
    implicit: true,
    aliases: ['conn'],
  },
  status: {
    verbs: {
      status: {
        run: async (ctx, w) => (await modules.status()).statusCommand(ctx, w),
        check: async (_, w) => (await modules.status()).checkStatusWords(w),
        words: '',
      },
    },
    ownVerb: true,
  },
  completion: { commander: true },
  stats: { commander: true },
  exporter: { commander: true },
  config: {
    verbs: {
      show: configVerb('show'),
      diff: configVerb('diff'),
      apply: configVerb('apply', '--dry-run'),
      try: configVerb('try', '--timeout:value'),
      confirm: configVerb('confirm'),
      follow: configVerb('follow', '--once --resync:value'),
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

/** The object a word names: an alias (`conn`) whole, else the first object it abbreviates. */
export function objectNamed(word: string): string | undefined {
  const aliased = objects.find((o) => (entryOf(o)?.aliases ?? []).includes(word));
  return aliased ?? objects.find((o) => word.length > 0 && o.startsWith(word));
}

/** The words of an object's verbs in first-match order, or undefined for an object without verbs. */
export function verbWords(object: string): readonly string[] | undefined {
  const entry = entryOf(object);
  if (!entry || entry.ownVerb) return undefined;
  return [...Object.keys(entry.verbs), ...Object.keys(entry.elsewhere ?? {})];
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
