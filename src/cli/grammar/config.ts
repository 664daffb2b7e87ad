/** The words after `config VERB` (pure): the file and the verb's own options. */
import { UsageError } from '../../errors.js';
import { didYouMean, quote } from './words.js';

export type ConfigVerb = 'show' | 'diff' | 'apply' | 'try' | 'confirm' | 'follow';

export interface ConfigArgs {
  file?: string;
  /** apply --dry-run: plan only (as diff). */
  dryRun: boolean;
  /** follow --once: apply and exit (boot). */
  once: boolean;
  /** try --timeout: seconds to wait for a confirmation (default 120). */
  timeoutSeconds: number;
  /** follow --resync: seconds between full re-plans without events (default 60, 0 = never). */
  resyncSeconds: number;
}

const verbOptions: Record<ConfigVerb, readonly string[]> = {
  show: [],
  diff: [],
  apply: ['--dry-run'],
  try: ['--timeout'],
  confirm: [],
  follow: ['--once', '--resync'],
};
const needsFile: ReadonlySet<ConfigVerb> = new Set(['diff', 'apply', 'try', 'follow']);
/** The longest wait a timer can do, in whole seconds. */
const MAX_SECONDS = 2147483;

function seconds(text: string | undefined, option: string, zeroAllowed: boolean): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0) || value > MAX_SECONDS) {
    throw new UsageError(`${option} needs a number of seconds${zeroAllowed ? '' : ' above 0'} (at most ${MAX_SECONDS})${text === undefined ? '' : `, not ${quote(text)}`}`);
  }
  return value;
}

export function parseConfigArgs(verb: ConfigVerb, words: readonly string[]): ConfigArgs {
  const args: ConfigArgs = { dryRun: false, once: false, timeoutSeconds: 120, resyncSeconds: 60 };
  const allowed = verbOptions[verb];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const [name, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (word.startsWith('-') && word !== '-') {
      if (!allowed.includes(name)) {
        const guess = didYouMean(name.replace(/^-+/, ''), allowed.map((o) => o.slice(2)));
        throw new UsageError(`unknown option ${quote(word)} for config ${verb}${guess ? `: did you mean "--${guess}"?` : allowed.length ? ` (expected ${allowed.join(', ')})` : ''}`);
      }
      if (name === '--dry-run') args.dryRun = true;
      else if (name === '--once') args.once = true;
      else if (name === '--timeout') args.timeoutSeconds = seconds(inline ?? words[++i], '--timeout', false);
      else if (name === '--resync') args.resyncSeconds = seconds(inline ?? words[++i], '--resync', true);
      continue;
    }
    if (!needsFile.has(verb)) throw new UsageError(`config ${verb} takes no file or other words, not ${quote(word)}`);
    if (args.file !== undefined) throw new UsageError(`config ${verb} takes one file, not also ${quote(word)}`);
    args.file = word;
  }
  if (needsFile.has(verb) && args.file === undefined) throw new UsageError(`config ${verb} needs a FILE (the desired state, YAML)`);
  return args;
}
