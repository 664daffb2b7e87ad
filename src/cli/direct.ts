/**
 * The direct route (pure): the common command lines, `OBJECT VERB WORDS...` with any of the
 * options -n NS, -j, -p, -v, -o, -r, --force and --debug before or among the words, go straight to their
 * action without building the command tree. commander was a large share of every start (loading
 * it, building the tree, parsing, and its share of the code cache: bench/README.md). Anything
 * else (help, --version, other options, `--`, monitor, completion, a word commander
 * would reject) is left to commander, which stays the reference: test/unit/direct.test.ts checks
 * that both read every routed line alike. A batch run (`-b FILE`) is read the same way.
 */
import { findAction, type ActionCall } from './table/commands.js';
import { globalOptions, type GlobalOption, type GlobalOptionName, type GlobalOptionValues } from './table/global-options.js';

/** The global options a direct line may carry (the table's `direct` ones): none of them needs checking by commander. */
export type DirectOptions = Pick<GlobalOptionValues, { [K in GlobalOptionName]: (typeof globalOptions)[K] extends { direct: true } ? K : never }[GlobalOptionName]>;

export interface DirectRoute extends ActionCall {
  options: DirectOptions;
}

type Flag = Exclude<keyof DirectOptions, 'netns'>;


/** The direct options without a value, in the canonical spelling normalizeArgv gives them, short forms included. */
const flags = new Map<string, Flag>(
  Object.entries(globalOptions).flatMap(([name, o]: [string, GlobalOption]) =>
    o.direct && !o.value ? [o.long, ...(o.short ? [o.short] : [])].map((spelling): [string, Flag] => [spelling, name as Flag]) : [],
  ),
);
const { netns, batch } = globalOptions;

/** The options and the other words of a line, or undefined when commander has to read it. */
function readLine(argv: readonly string[]): { options: DirectOptions & DirectBatch; rest: string[] } | undefined {
  const options: DirectOptions & DirectBatch = {};
  // The global options may stand anywhere, as commander reads them; the other words keep their order.
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) rest.push(arg);
    else if (flags.has(arg)) options[flags.get(arg)!] = true;
    else if ((arg === netns.long || arg === netns.short) && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) options.netns = argv[++i]!;
    // Only the long form: normalizeArgv gives it so before the object; `-b` after it is commander's to refuse.
    else if (arg === batch.long && i + 1 < argv.length && (argv[i + 1] === '-' || !argv[i + 1]!.startsWith('-'))) options.batch = argv[++i]!;
    // Any other option, and `--`, are commander's to read.
    else return undefined;
  }
  return { options, rest };
}

/** `argv` as normalizeArgv returns it; undefined when commander has to read it. */
export function directRoute(argv: readonly string[]): DirectRoute | undefined {
  const line = readLine(argv);
  // --force without -b is ip's -force outside batch mode: accepted, and nothing to do.
  if (!line || line.options.batch !== undefined) return undefined;
  const call = findAction(line.rest);
  return call && { options: line.options, ...call };
}

/** `--batch FILE` (and --force) among the options above. */
export interface DirectBatch {
  batch?: string;
  force?: boolean;
}

/**
 * A batch run (`-b FILE` with only the options above and no command words), read without
 * commander like the common lines; undefined when commander has to read it (a command as well
 * is refused there).
 */
export function directBatch(argv: readonly string[]): (DirectOptions & DirectBatch & { batch: string }) | undefined {
  const line = readLine(argv);
  if (!line || line.options.batch === undefined || line.rest.length > 0) return undefined;
  return { ...line.options, batch: line.options.batch };
}
