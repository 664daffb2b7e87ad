/**
 * What shell completion needs to know (pure): the objects and verbs of the command table
 * (table/commands.ts), the words after each verb as its help declares them beside its usage
 * (table/help.ts), with where each word's value comes from; descriptions and options as
 * commander's tree (program.ts, built from that table) has them.
 */
import type { Command, Option } from 'commander';
import { eventNames } from '../output/records/event-fields.js';
import { entryOf, objects as objectOrder, verbWords } from '../table/commands.js';
import { globalOptionHelp, helpOf, type VerbHelp } from '../table/help.js';
import { globalOptions, type GlobalOptionName } from '../table/global-options.js';

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

/** Where the values of options come from: the global options' as their help says, the monitor's own. */
const OPTION_VALUES: Record<string, ValueSource> = {
  ...Object.fromEntries(
    (Object.keys(globalOptionHelp) as GlobalOptionName[]).flatMap((name) => {
      const kind = globalOptionHelp[name].complete;
      return kind ? [[globalOptions[name].long, { kind }]] : [];
    }),
  ),
  '--event': { kind: 'events' },
  '--token': { kind: 'tokens' },
};

function optionModel(option: Option): OptionModel {
  const names = [option.short, option.long].filter((n): n is string => Boolean(n));
  const model: OptionModel = { names, description: option.description };
  if (option.required || option.optional) {
    model.value = option.argChoices ? { kind: 'choices', choices: [...option.argChoices] } : (OPTION_VALUES[option.long ?? ''] ?? { kind: 'none' });
  }
  return model;
}

/** The words after a verb of the table (`dev:devs id:value signal`), each with where its value comes from. */
export function tableKeywords(words: VerbHelp['words']): KeywordModel[] {
  return (words === '' ? [] : words.split(' ')).map((spelling) => {
    const [word, value] = spelling.split(':') as [string, string | undefined];
    if (value === undefined) return { word };
    return { word, value: { kind: value === 'value' ? 'none' : (value as 'devs' | 'tokens' | 'ids') } };
  });
}

/** The words after a verb (or an object that is its own verb): the table's, else the choices of commander's arguments. */
function keywordsOf(command: Command, object: string, verb: string): KeywordModel[] {
  const help = entryOf(object) && helpOf(object, verb);
  return help ? tableKeywords(help.words) : command.registeredArguments.flatMap((a) => (a.argChoices ?? []).map((word) => ({ word })));
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
      const order = verbWords(name) ?? [];
      const verbs = c.commands
        .map((v) => ({ name: v.name(), description: v.description(), keywords: keywordsOf(v, name, v.name()) }))
        .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
      const model: ObjectModel = {
        name,
        aliases: c.aliases(),
        description: c.description(),
        verbs,
        keywords: verbs.length ? [] : keywordsOf(c, name, name),
        options: c.options.filter((o) => !o.hidden).map(optionModel),
      };
      const spec = entryOf(name);
      if (spec?.implicit && spec.defaultVerb) model.implicitVerb = spec.defaultVerb;
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
