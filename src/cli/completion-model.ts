/**
 * What shell completion needs to know, read off the command tree (program.ts), so the tree stays
 * the one place where commands, verbs, keywords and options are declared. Pure.
 *
 * Keywords of ip-style verbs come from each verb's usage line: a lower-case word is a keyword,
 * and an upper-case word right after it is its value (`[dev IFNAME]`). The placeholder says
 * where values come from (IFNAME: interfaces, TOKEN: live connections, ID: endpoints).
 */
import type { Command, Option } from 'commander';
import { objects as objectOrder, verbs as verbOrder } from './argv.js';
import { eventNames } from './output/records/event-fields.js';

/** Where a value comes from: a fixed list, the kernel (through `mptcpctl __complete`), files, or nowhere. */
export type ValueSource =
  | { kind: 'choices'; choices: string[] }
  | { kind: 'ids' | 'devs' | 'tokens' | 'netns' | 'events' | 'file' | 'none' };

export interface OptionModel {
  /** Every spelling: `-n`, `--netns`. */
  names: string[];
  description: string;
  /** Set when the option takes a value. */
  value?: ValueSource;
}

export interface KeywordModel {
  word: string;
  /** Set when the keyword takes a value. */
  value?: ValueSource;
}

export interface VerbModel {
  name: string;
  description: string;
  keywords: KeywordModel[];
}

export interface ObjectModel {
  name: string;
  aliases: string[];
  description: string;
  /** Empty for an object that is its own only verb (announce, monitor). */
  verbs: VerbModel[];
  /** The verb a non-verb word starts the arguments of (`connection token T` = show). */
  implicitVerb?: string;
  /** Keywords of an object without verbs. */
  keywords: KeywordModel[];
  /** Options of this object only (monitor's). */
  options: OptionModel[];
}

export interface CompletionModel {
  program: string;
  options: OptionModel[];
  /** In ip's first-match order, as argv.ts expands abbreviations. */
  objects: ObjectModel[];
  /** Event names for `monitor --event`, lower case (the monitor takes any case). */
  events: string[];
}

const OPTION_VALUES: Record<string, ValueSource> = {
  '--netns': { kind: 'netns' },
  '--batch': { kind: 'file' },
  '--event': { kind: 'events' },
  '--token': { kind: 'tokens' },
};

/** Placeholders whose values can be listed; `ID` only where an endpoint must already exist. */
function placeholderSource(placeholder: string, object: string, verb: string): ValueSource {
  if (placeholder === 'IFNAME') return { kind: 'devs' };
  if (placeholder === 'TOKEN') return { kind: 'tokens' };
  if (placeholder === 'ID' && object === 'endpoint' && verb !== 'add') return { kind: 'ids' };
  return { kind: 'none' };
}

function optionModel(option: Option): OptionModel {
  const names = [option.short, option.long].filter((n): n is string => Boolean(n));
  const model: OptionModel = { names, description: option.description };
  if (option.required || option.optional) {
    model.value = option.argChoices ? { kind: 'choices', choices: [...option.argChoices] } : (OPTION_VALUES[option.long ?? ''] ?? { kind: 'none' });
  }
  return model;
}

/** The keywords in a usage line, first spelling first, each once. */
export function usageKeywords(usage: string, object: string, verb: string): KeywordModel[] {
  const seen = new Map<string, KeywordModel>();
  // A word, then (with nothing but blanks between) an upper-case placeholder for its value.
  // Verb-level options (`--check`, `--dry-run`) are kept with their dashes.
  for (const m of usage.matchAll(/(-{0,2})([A-Za-z_][A-Za-z0-9_]*(?:-[a-z0-9]+)*)(?: +([A-Z][A-Z0-9_]*)\b)?/g)) {
    const [, dashes, name, placeholder] = m;
    const word = `${dashes}${name}`;
    if (name !== name!.toLowerCase() || seen.has(word)) continue;
    const keyword: KeywordModel = { word };
    if (placeholder !== undefined) keyword.value = placeholderSource(placeholder, object, verb);
    seen.set(word, keyword);
  }
  return [...seen.values()];
}

/** A command's own usage words, without what commander adds (`[options]`, its argument names). */
function declaredUsage(command: Command): string {
  let usage = command.usage().replace(/\[options\]/g, '');
  for (const arg of command.registeredArguments) usage = usage.split(arg.variadic ? `[${arg.name()}...]` : `<${arg.name()}>`).join(' ').split(`[${arg.name()}]`).join(' ');
  return usage;
}

function keywordsOf(command: Command, object: string, verb: string): KeywordModel[] {
  const choices = command.registeredArguments.flatMap((a) => a.argChoices ?? []);
  return [...choices.map((word) => ({ word })), ...usageKeywords(declaredUsage(command), object, verb)];
}

function rank(name: string): number {
  const i = (objectOrder as readonly string[]).indexOf(name);
  return i < 0 ? objectOrder.length : i;
}

/** Reads the model off a built program. */
export function completionModel(program: Command): CompletionModel {
  const helpOption = { names: ['-h', '--help'], description: 'show help' };
  const objects: ObjectModel[] = program.commands
    .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
    .map((c) => {
      const name = c.name();
      const order = verbOrder[name]?.list ?? [];
      const verbs = c.commands
        .map((v) => ({ name: v.name(), description: v.description(), keywords: keywordsOf(v, name, v.name()) }))
        .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
      const model: ObjectModel = {
        name,
        aliases: c.aliases(),
        description: c.description(),
        verbs,
        keywords: verbs.length ? [] : keywordsOf(c, name, ''),
        options: c.options.filter((o) => !o.hidden).map(optionModel),
      };
      const spec = verbOrder[name];
      if (spec?.implicit && spec.default) model.implicitVerb = spec.default;
      return model;
    });
  // `help [OBJECT]` is argv's (answered by --help), not a command of the tree.
  objects.push({ name: 'help', aliases: [], description: 'help on an object', verbs: [], keywords: objects.map((o) => ({ word: o.name })), options: [] });
  objects.sort((a, b) => rank(a.name) - rank(b.name));
  return {
    program: program.name(),
    options: [...program.options.filter((o) => !o.hidden).map(optionModel), helpOption],
    objects,
    events: [...eventNames.values()].map((e) => e.toLowerCase()),
  };
}
