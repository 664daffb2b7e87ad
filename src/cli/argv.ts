/**
 * From argv as people and `ip` scripts write it to the canonical form the command tree knows
 * (pure): ip's single-dash global options before the object (`-n NS`, `-j`, `-json`,
 * `-color=always`; every option of ip 6.1, those `ip mptcp` ignores dropped here), an optional
 * `mptcp` word, abbreviated objects and verbs (`e s`, `endpoint d`, `l s` = limits set, exactly
 * in ip's first-match order), and `help [OBJECT [COMMAND]]`.
 */
import { UsageError } from '../errors.js';
import { didYouMean, matches, matchKeyword, quote } from './grammar/words.js';
import { findIpSpelling, globalOptions, ipSpelling, ipSpellings, optionOf, type GlobalOption, type IpSpelling } from './table/global-options.js';
import { entryOf, objectNamed, objects, verbWords } from './table/commands.js';

/** The one-letter spellings people type, ip's and commander's (for "did you mean" on a slip of case). */
const shortSpellings = ['-4', '-6', '-0', '-M', '-B', '-N', '-V', '-a', '-b', '-c', '-d', '-f', '-h', '-i', '-j', '-l', '-n', '-o', '-p', '-r', '-s', '-t', '-v'];

/** How an option is spelled in the help: the long option where mptcpctl has one, else ip's. */
const documented = (s: IpSpelling): string => optionOf(s)?.long ?? s.ip;
/** Whether a spelling takes a value (`-n NS`), or may (`-color[=WHEN]`). */
const takesValue = (s: IpSpelling): boolean => s.takesValue ?? optionOf(s)?.value === 'required';
const optionalValue = (s: IpSpelling): boolean => optionOf(s)?.value === 'optional';

/** A real option close to `name` (`-jsn` -> `--json`, `-J` -> `-j`), or undefined: never a far one. */
export function suggestOption(name: string): string | undefined {
  const bare = name.replace(/^-+/, '');
  // One or two letters are too short to guess from: only a slip of case is suggested.
  if (bare.length <= 2) return shortSpellings.find((s) => s.slice(1).toLowerCase() === bare.toLowerCase() && s.slice(1) !== bare);
  const long = ipSpellings().filter((o) => o.ip.length > 3);
  const guess = didYouMean(bare, long.map((o) => o.ip.slice(1)));
  return guess === undefined ? undefined : documented(long.find((o) => o.ip.slice(1) === guess)!);
}

function findOption(name: string, commandFollows: boolean): IpSpelling | undefined {
  // ip reads `-h` as -human; alone (nothing to run) it is the help people expect of `-h`.
  if (name === '-h' && !commandFollows) return ipSpelling('-help');
  // commander's spelling of ip's -Version.
  if (name === '-version') return ipSpelling('-Version');
  if (name.length < 2) return undefined;
  return findIpSpelling(name);
}

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
    const commandFollows = argv.slice(i + 1).some((w) => !w.startsWith('-'));
    const option = findOption(name, commandFollows);
    if (!option) {
      const guess = suggestOption(name);
      throw new UsageError(`unknown option ${quote(arg)}${guess ? `: did you mean "${guess}"?` : ''}`);
    }
    if (inlineValue !== undefined && !takesValue(option) && !optionalValue(option)) {
      throw new UsageError(`option ${quote(arg)}: ${documented(option)} takes no value`);
    }
    let value = inlineValue;
    if (takesValue(option) && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`option ${quote(arg)} needs a value`);
    }
    const problem = value === undefined ? undefined : option.checkValue?.(value);
    if (problem) throw new UsageError(problem);
    // ip's `-color` takes `=WHEN`; also accept `-c WHEN` / `--color WHEN`.
    const known = optionOf(option);
    if (optionalValue(option) && value === undefined && (known?.choices ?? []).includes(argv[i + 1] ?? '')) value = argv[++i];
    if (!known) continue; // accepted and ignored, as `ip mptcp` ignores it
    options.push(known.long);
    if (value !== undefined) options.push(value);
    else if (known.preset !== undefined) options.push(known.preset);
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
  const object = objectNamed(word);
  if (object === 'help') return helpWords(rest);
  if (!object) {
    const guess = didYouMean(word, objects);
    throw new UsageError(`unknown command ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected one of: ${objects.join(', ')})`}`);
  }
  const expanded = expandVerb(object, rest);
  // ip quirk kept: `limits monitor` runs the monitor.
  const elsewhere = expanded[0] === undefined ? undefined : entryOf(object)?.elsewhere?.[expanded[0]];
  return elsewhere ? [elsewhere, ...expanded.slice(1)] : [object, ...expanded];
}

/** The help options: `endpoint --help` is the object's help, not its default verb's. */
const isHelpOption = (word: string): boolean => word === '--help' || word === '-h';

/** `help [OBJECT [COMMAND]]`, answered by the command tree's --help; an unknown topic is a usage error. */
function helpWords(rest: string[]): string[] {
  const [topic, verb, ...extra] = rest;
  if (topic === undefined) return ['--help'];
  const object = objectNamed(topic);
  if (!object) {
    const guess = didYouMean(topic, objects);
    throw new UsageError(`unknown help topic ${quote(topic)}${guess ? `: did you mean "${guess}"?` : ` (expected one of: ${objects.join(', ')})`}`);
  }
  if (object === 'help' && verb === undefined) return ['--help'];
  if (verb === undefined) return [object, '--help'];
  const list = verbWords(object);
  const command = list && matchKeyword(verb, list);
  if (!command || extra.length) {
    const commands = list ? `${object} commands: ${ownVerbs(object).join(', ')}` : `${object} has no commands`;
    throw new UsageError(`unknown help topic ${quote([object, verb, ...extra].join(' '))} (${commands})`);
  }
  // ip quirk kept: `limits monitor` is the monitor.
  const elsewhere = entryOf(object)?.elsewhere?.[command];
  return elsewhere ? [elsewhere, '--help'] : [object, command, '--help'];
}

/** An object's own verbs, as error messages list them (not those that run another object). */
const ownVerbs = (object: string): string[] => Object.keys(entryOf(object)!.verbs);

function expandVerb(object: string, rest: string[]): string[] {
  const list = verbWords(object);
  if (!list) return rest;
  const spec = entryOf(object)!;
  const word = rest[0];
  if (word === undefined || (word.startsWith('-') && word !== '-')) {
    // Options before any verb: `endpoint --help` asks for the object's help (every verb), not show's.
    const firstWord = rest.findIndex((w) => !w.startsWith('-'));
    if ((firstWord < 0 ? rest : rest.slice(0, firstWord)).some(isHelpOption)) return rest;
    return spec.defaultVerb ? [spec.defaultVerb, ...rest] : rest;
  }
  const verb = matchKeyword(word, list);
  if (!verb) {
    const guess = didYouMean(word, list);
    if (!guess && spec.implicit && spec.defaultVerb) return [spec.defaultVerb, ...rest];
    throw new UsageError(`unknown ${object} command ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected ${ownVerbs(object).join(', ')})`}`);
  }
  return [verb, ...rest.slice(1)];
}

/**
 * `--json=yes` among the words: commander would pass it on as a word of the command, which then
 * is "not an address". An option that takes no value says so wherever it stands.
 */
function checkInlineValues(words: readonly string[]): void {
  for (const word of words) {
    const m = /^--([A-Za-z][\w-]*)=/.exec(word);
    const option = m && Object.values<GlobalOption>(globalOptions).find((o) => o.long === `--${m[1]}`);
    if (option && !option.value) throw new UsageError(`option ${quote(word)}: ${option.long} takes no value`);
  }
}

/** The whole argv (after the program name) in canonical form. */
export function normalizeArgv(argv: string[]): string[] {
  const { options, rest } = translateLeadingOptions(argv);
  checkInlineValues(rest);
  return [...options, ...expandCommandWords(rest)];
}

const QUOTES_OR_COMMENT = /["'#]/;
const BLANKS = /\s+/;

/**
 * Splits a batch line into words like ip's makeargs: blanks separate, '...' and "..." quote,
 * and an unquoted word starting with `#` ends the line.
 */
export function splitBatchLine(line: string): string[] {
  // Most lines have no quotes and no comment: blanks alone separate their words.
  if (!QUOTES_OR_COMMENT.test(line)) {
    const trimmed = line.trim();
    return trimmed === '' ? [] : trimmed.split(BLANKS);
  }
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
