/**
 * The global options, declared once: mptcpctl's own (commander's tree registers them in this
 * order, with the help texts of help.ts; the direct route reads those marked `direct` without
 * commander), and ip's single-dash spellings in ip's order, each naming the option it is or
 * accepted and ignored as `ip mptcp` ignores it (argv.ts translates them).
 */
import { matches, parseBase0, quote } from '../grammar/words.js';

export interface GlobalOption {
  long: string;
  short?: string;
  /** ip's spellings of it (see ipSpellings), where not the long one with one dash (`-json`). */
  ip?: readonly string[];
  /** `required`: `--netns NAME`; `optional`: `-c [WHEN]`, which alone means `preset`. */
  value?: 'required' | 'optional';
  preset?: string;
  /** The values commander accepts. */
  choices?: readonly string[];
  /** The direct route reads this option without commander (a line with any other goes to commander). */
  direct?: boolean;
}

/** mptcpctl's global options by commander's attribute name (`--NAME`), in the order its help lists them. */
const declared = {
  version: { short: '-V', ip: ['-Version'] },
  help: { short: '-h' },
  netns: { short: '-n', value: 'required', direct: true },
  json: { short: '-j', direct: true },
  pretty: { short: '-p', direct: true },
  format: { value: 'required', choices: ['auto', 'text', 'table', 'json'] },
  color: { short: '-c', value: 'optional', preset: 'always', choices: ['auto', 'always', 'never'] },
  verbose: { short: '-v', direct: true },
  batch: { short: '-b', value: 'required' },
  // ip's `-force`, which only batch mode reads: outside it, accepted and nothing to do.
  force: { direct: true },
  oneline: { short: '-o', direct: true },
  resolve: { short: '-r', direct: true },
  timestamp: { short: '-t', ip: ['-timestamp', '-tshort'] },
  debug: { direct: true },
} satisfies Record<string, Omit<GlobalOption, 'long'>>;

export type GlobalOptionName = keyof typeof declared;

/** The same, each with its long form. */
export const globalOptions = withLongForms(declared);

function withLongForms<T extends Record<string, object>>(options: T): { [K in keyof T]: T[K] & { long: string } } {
  // A loop, not Object.fromEntries of spreads: every start builds this, and that cost ~0.1 ms more.
  const withLong: Record<string, object> = {};
  for (const name of Object.keys(options)) withLong[name] = Object.assign({ long: `--${name}` }, options[name]);
  return withLong as { [K in keyof T]: T[K] & { long: string } };
}

/** The options as commander hands them over: flags true, values strings. */
export type GlobalOptionValues = {
  [K in GlobalOptionName]?: (typeof globalOptions)[K] extends { value: string } ? string : boolean;
};

export interface IpSpelling {
  /** ip's spelling, matched by prefix (`-j`, `-js`, `-json`) unless `exact`. */
  ip: string;
  /** Matched only whole, as ip matches it (strcmp). */
  exact?: boolean;
  /** The option it is, or undefined for ip options that `ip mptcp` ignores (accepted, no effect). */
  option?: GlobalOptionName;
  /** An ignored option that takes a value (mptcpctl's options say so themselves). */
  takesValue?: boolean;
  /** The value is checked as ip checks it (undefined: ip takes any). */
  checkValue?: (value: string) => string | undefined;
}

const families = ['inet', 'inet6', 'link', 'mpls', 'bridge'];

/** ip's options that `ip mptcp` ignores (accepted, no effect), where more than the name is to know. */
const ignored: Readonly<Record<string, Omit<IpSpelling, 'ip'>>> = {
  '-loops': { takesValue: true },
  '-family': { takesValue: true, checkValue: (v) => (families.includes(v) ? undefined : `invalid protocol family ${quote(v)} (expected ${families.join(', ')})`) },
  '-rcvbuf': { takesValue: true, checkValue: (v) => ((parseBase0(v) ?? Infinity) <= 0xffffffff ? undefined : `invalid rcvbuf size ${quote(v)}`) },
  '-4': { exact: true },
  '-6': { exact: true },
  '-0': { exact: true },
  '-M': { exact: true },
  '-B': { exact: true },
  '-echo': { exact: true },
};

/**
 * iproute2 6.1's global options in ip's order (ip/ip.c: the first match wins, so `-h` is
 * -human, `-he` -help, `-d` -details, `-b` -batch, `-br` -brief, `-r` -resolve, `-rc` -rcvbuf),
 * then mptcpctl's own, which only take what ip leaves (`-deb` is -debug, `-v` -verbose).
 */
const ipOrder = (
  '-loops -family -4 -6 -0 -M -B -human -human-readable -iec -stats -statistics -details -resolve -oneline -timestamp -tshort -Version ' +
  '-force -batch -brief -json -pretty -rcvbuf -color -help -netns -Numeric -all -echo -format -verbose -debug'
).split(' ');

const ipSpellingsOf = (o: GlobalOption): readonly string[] => o.ip ?? [o.long.slice(1)];

/** ip's spelling `ip` (one of ipOrder), with the option it is (if any). */
export function ipSpelling(ip: string): IpSpelling {
  const option = (Object.keys(globalOptions) as GlobalOptionName[]).find((name) => ipSpellingsOf(globalOptions[name]).includes(ip));
  return { ip, ...ignored[ip], ...(option && { option }) };
}

/**
 * The spelling that `name` (`-n`, `-js`) is, as ip matches it: whole where ip compares whole,
 * else the first in ip's order that it abbreviates. Only that one is built: every start reads
 * its options here, and building all of them cost more than the rest of the table.
 */
export function findIpSpelling(name: string): IpSpelling | undefined {
  const ip = ipOrder.find((spelling) => (ignored[spelling]?.exact ? name === spelling : matches(name.slice(1), spelling.slice(1))));
  return ip === undefined ? undefined : ipSpelling(ip);
}

/** Each of ip's spellings, in ip's order, with the option it is (if any). */
export const ipSpellings = (): readonly IpSpelling[] => ipOrder.map(ipSpelling);

/** The option a spelling is, or undefined for one ip mptcp ignores. */
export const optionOf = (s: IpSpelling): GlobalOption | undefined => (s.option === undefined ? undefined : globalOptions[s.option]);
