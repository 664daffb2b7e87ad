/**
 * From argv as people and `ip` scripts write it to the canonical form the command tree knows
 * (pure): ip's single-dash global options before the object (`-n NS`, `-j`, `-json`,
 * `-color=always`), an optional `mptcp` word, and abbreviated objects and verbs (`e s`,
 * `endpoint d`, `l s` = limits set, exactly in ip's first-match order).
 */
import { UsageError } from '../netlink/errors.js';
import { didYouMean, matches, matchKeyword, quote } from './grammar.js';

interface GlobalOption {
  /** ip's spelling, matched by prefix (`-j`, `-js`, `-json`). */
  ip: string;
  /** The canonical long option, or undefined for ip options that mptcp ignores. */
  long?: string;
  takesValue?: boolean;
  /** `-color` takes an optional `=WHEN`. */
  optionalValue?: boolean;
}

/** In ip's order where it matters (`-t` = timestamp, `-ts` = tshort). */
const globalOptions: GlobalOption[] = [
  { ip: '-family', takesValue: true },
  { ip: '-4' },
  { ip: '-6' },
  { ip: '-0' },
  { ip: '-help', long: '--help' },
  { ip: '-Version', long: '--version' },
  { ip: '-timestamp', long: '--timestamp' },
  { ip: '-tshort', long: '--timestamp' },
  { ip: '-oneline', long: '--oneline' },
  { ip: '-batch', long: '--batch', takesValue: true },
  { ip: '-force', long: '--force' },
  { ip: '-netns', long: '--netns', takesValue: true },
  { ip: '-json', long: '--json' },
  { ip: '-pretty', long: '--pretty' },
  { ip: '-color', long: '--color', optionalValue: true },
  { ip: '-format', long: '--format', takesValue: true },
  { ip: '-verbose', long: '--verbose' },
  { ip: '-debug', long: '--debug' },
];

/** Objects in first-match order: ip's own first, then mptcpctl's. */
export const objects = ['endpoint', 'limits', 'monitor', 'help', 'announce', 'remove', 'subflow', 'connection', 'status', 'completion', 'config'] as const;

/** Each object's verbs in first-match order, and the verb used when none is given. */
export const verbs: Record<string, { list: readonly string[]; default?: string; implicit?: boolean }> = {
  endpoint: { list: ['add', 'change', 'delete', 'show', 'flush'], default: 'show' },
  // ip quirk kept: `limits s` is set, and `limits monitor` runs the monitor.
  limits: { list: ['set', 'show', 'monitor'], default: 'show' },
  // `subflow token T` and `connection token T` read as show (implicit: a non-verb word starts its arguments).
  subflow: { list: ['create', 'destroy', 'show'], default: 'show', implicit: true },
  connection: { list: ['show'], default: 'show', implicit: true },
  config: { list: ['show', 'diff', 'apply', 'try', 'confirm', 'follow'], default: 'show' },
};

function translateLeadingOptions(argv: string[]): { options: string[]; rest: string[] } {
  const options: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    // ip reads `--json` as `-json`.
    const opt = arg.startsWith('--') ? arg.slice(1) : arg;
    const [name, inlineValue] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : [opt, undefined];
    // Short commander-style spellings that ip does not have.
    const alias: Record<string, string> = { '-n': '-netns', '-V': '-Version', '-version': '-Version', '-h': '-help', '-v': '-verbose', '-b': '-batch', '-c': '-color', '-ts': '-tshort' };
    const spelled = alias[name] ?? name;
    const option = globalOptions.find((o) => matches(spelled.slice(1), o.ip.slice(1)) && spelled.length > 1);
    if (!option) {
      const guess = didYouMean(name.replace(/^-+/, ''), globalOptions.map((o) => o.ip.slice(1)));
      throw new UsageError(`unknown option ${quote(arg)}${guess ? `: did you mean "--${guess}"?` : ''}`);
    }
    let value = inlineValue;
    if (option.takesValue && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`option ${quote(arg)} needs a value`);
    }
    // ip's `-color` takes `=WHEN`; also accept `-c WHEN` / `--color WHEN`.
    if (option.optionalValue && value === undefined && ['auto', 'always', 'never'].includes(argv[i + 1] ?? '')) value = argv[++i];
    if (!option.long) continue; // accepted and ignored, as `ip mptcp` ignores it
    options.push(option.long);
    if (value !== undefined) options.push(value);
    else if (option.optionalValue) options.push('always');
  }
  return { options, rest: argv.slice(i) };
}

/** Expands the object and verb words; other words are left to the command's own grammar. */
export function expandCommandWords(words: string[]): string[] {
  const rest = [...words];
  // `mptcpctl mptcp endpoint show` reads like `ip mptcp endpoint show`.
  if (rest[0] !== undefined && rest[0].length >= 2 && matches(rest[0], 'mptcp')) rest.shift();
  const word = rest.shift();
  if (word === undefined) return [];
  if (word === 'conn') return ['connection', ...expandVerb('connection', rest)];
  const object = matchKeyword(word, objects);
  // `help [OBJECT]` as in ip, answered by the command tree's --help.
  if (object === 'help') return rest.length ? [matchKeyword(rest[0]!, objects) ?? rest[0]!, '--help'] : ['--help'];
  if (!object) {
    const guess = didYouMean(word, objects);
    throw new UsageError(`unknown command ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected one of: ${objects.join(', ')})`}`);
  }
  const expanded = expandVerb(object, rest);
  // ip quirk kept: `limits monitor` runs the monitor.
  if (object === 'limits' && expanded[0] === 'monitor') return expanded;
  return [object, ...expanded];
}

function expandVerb(object: string, rest: string[]): string[] {
  const spec = verbs[object];
  if (!spec) return rest;
  const word = rest[0];
  if (word === undefined || (word.startsWith('-') && word !== '-')) return spec.default ? [spec.default, ...rest] : rest;
  const verb = matchKeyword(word, spec.list);
  if (!verb) {
    const guess = didYouMean(word, spec.list);
    if (!guess && spec.implicit && spec.default) return [spec.default, ...rest];
    throw new UsageError(
      `unknown ${object} command ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected ${spec.list.filter((v) => v !== 'monitor').join(', ')})`}`,
    );
  }
  return [verb, ...rest.slice(1)];
}

/** The whole argv (after the program name) in canonical form. */
export function normalizeArgv(argv: string[]): string[] {
  const { options, rest } = translateLeadingOptions(argv);
  return [...options, ...expandCommandWords(rest)];
}

/**
 * Splits a batch line into words like ip's makeargs: blanks separate, '...' and "..." quote,
 * and an unquoted word starting with `#` ends the line.
 */
export function splitBatchLine(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    let word = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const c = line[i]!;
      if (c === '"' || c === "'") {
        const end = line.indexOf(c, i + 1);
        if (end < 0) throw new UsageError('unterminated quoted string');
        word += line.slice(i + 1, end);
        i = end + 1;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}
