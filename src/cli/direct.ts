/**
 * The direct route (pure): the common command lines, `[-n NS] [-j] [-p] [-v] [-o] [--debug]
 * OBJECT VERB WORDS...`, go straight to their action without building the command tree.
 * commander cost ~5 ms of every start (loading it, building the tree, parsing, and its share of
 * the code cache: bench/README.md), a twelfth of a run. Anything else (help, --version, other
 * options, an option among the words, monitor, completion, a word commander would reject) is
 * left to commander, which stays the reference: test/unit/direct.test.ts checks that both read
 * every routed line alike.
 */
import { actions } from './actions.js';
import { verbs } from './argv.js';

/** The global options a direct line may carry: none of them needs checking by commander. */
export interface DirectOptions {
  netns?: string;
  json?: boolean;
  pretty?: boolean;
  verbose?: boolean;
  oneline?: boolean;
  debug?: boolean;
}

export interface DirectRoute {
  options: DirectOptions;
  object: string;
  verb: string;
  words: string[];
}

type Flag = 'json' | 'pretty' | 'verbose' | 'oneline' | 'debug';

/** In the canonical spelling normalizeArgv gives them, short forms included. */
const flags: Record<string, Flag> = {
  '--json': 'json',
  '-j': 'json',
  '--pretty': 'pretty',
  '-p': 'pretty',
  '--verbose': 'verbose',
  '-v': 'verbose',
  '--oneline': 'oneline',
  '-o': 'oneline',
  '--debug': 'debug',
};

/** `argv` as normalizeArgv returns it; undefined when commander has to read it. */
export function directRoute(argv: readonly string[]): DirectRoute | undefined {
  const options: DirectOptions = {};
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const arg = argv[i]!;
    const flag = flags[arg];
    if (flag) options[flag] = true;
    else if ((arg === '--netns' || arg === '-n') && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) options.netns = argv[++i]!;
    else return undefined;
  }
  const object = argv[i];
  if (object === undefined || !Object.hasOwn(actions, object)) return undefined;
  // An object without verbs (announce, remove, status) is its own verb and keeps all its words.
  const verb = Object.hasOwn(verbs, object) ? argv[i + 1] : object;
  if (verb === undefined || !Object.hasOwn(actions[object]!, verb)) return undefined;
  const words = argv.slice(verb === object ? i + 1 : i + 2);
  // commander reads options among the words (and `--`); so it reads such lines.
  if (words.some((word) => word.startsWith('-'))) return undefined;
  return { options, object, verb, words };
}
