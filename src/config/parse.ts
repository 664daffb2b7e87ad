/**
 * The desired-state file (YAML, read with the `yaml` package) -> DesiredConfig, checked whole:
 * every problem (YAML syntax, unknown keys, wrong types, bad addresses, duplicate ids, more
 * endpoints than the kernel allows) is collected with its line and column before anything is
 * used, so a bad file changes nothing. Pure: what the kernel has (its sysctl keys) comes in as
 * an argument.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { didYouMean } from '../cli/grammar/words.js';
import { AddressFlag, settableFlagNames, type AddressFlagName } from '../families/mptcp-pm.js';
import { checkNetnsName } from '../sys/netns.js';
import { formatInet, parseInet } from '../util/inet.js';
import {
  ConfigError,
  MAX_ENDPOINTS,
  MAX_LIMIT,
  type ConfigProblem,
  type DesiredConfig,
  type FamilyChoice,
  type Position,
  type Rule,
  type ScopeChoice,
  type StaticEndpoint,
} from './model.js';

export interface ParseOptions {
  /** The net.mptcp.* keys the running kernel has (writable ones); unchecked when absent. */
  sysctlKeys?: ReadonlySet<string>;
}

/** Flags a file may give (implicit endpoints are made by the kernel only). */
const FILE_FLAGS = settableFlagNames();
const TOP_KEYS = ['netns', 'limits', 'sysctl', 'endpoints', 'rules', 'unlisted'];
const LIMIT_KEYS = ['subflows', 'add_addr_accepted'];
const ENDPOINT_KEYS = ['address', 'id', 'dev', 'port', 'flags'];
const RULE_KEYS = ['interfaces', 'family', 'flags', 'scope', 'temporary', 'ula', 'deprecated', 'tentative', 'link', 'ids'];
/** net.mptcp.* settings that can only be read. */
export const READ_ONLY_SYSCTLS: ReadonlySet<string> = new Set(['available_path_managers', 'available_schedulers']);

/** Collects problems with positions while the document is walked. */
class Checker {
  readonly problems: ConfigProblem[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  at(node: Node | null | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  }

  problem(node: Node | null | undefined, message: string): void {
    this.problems.push({ file: this.file, ...this.at(node), message });
  }

  /** The map's pairs with string keys; unknown keys are problems (with a guess). */
  pairs(map: YAMLMap, known: readonly string[], where: string): Map<string, Pair<Node, Node | null>> {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') {
        this.problem(pair.key, `${where}: keys must be words`);
        continue;
      }
      if (!known.includes(key)) {
        const guess = didYouMean(key, known);
        this.problem(pair.key, `unknown key "${key}" in ${where}${guess ? `: did you mean "${guess}"?` : ` (expected ${known.join(', ')})`}`);
        continue;
      }
      out.set(key, pair);
    }
    return out;
  }

  map(node: Node | null | undefined, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.problem(node, `${what} must be a mapping (key: value lines)`);
    return undefined;
  }

  integer(node: Node | null | undefined, what: string, min: number, max: number): number | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(node, `${what} must be an integer ${min}..${max}${isScalar(node) ? `, not ${JSON.stringify(node.value)}` : ''}`);
    return undefined;
  }

  string(node: Node | null | undefined, what: string): string | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && value !== '') return value;
    this.problem(node, `${what} must be a word${isScalar(node) ? `, not ${JSON.stringify(node.value)}` : ''}`);
    return undefined;
  }

  choice<T extends string>(node: Node | null | undefined, what: string, choices: readonly T[]): T | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    this.problem(node, `${what} must be one of ${choices.join(', ')}${isScalar(node) ? `, not ${JSON.stringify(node.value)}` : ''}`);
    return undefined;
  }

  boolean(node: Node | null | undefined, what: string): boolean | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'boolean') return value;
    this.problem(node, `${what} must be true or false`);
    return undefined;
  }

  /** A list of flag words -> AddressFlag bits. */
  flags(node: Node | null | undefined, what: string): number | undefined {
    if (!isSeq(node)) {
      this.problem(node, `${what} must be a list, e.g. [signal] or [subflow, backup]`);
      return undefined;
    }
    let bits = 0;
    for (const item of node.items as Node[]) {
      const word = isScalar(item) ? item.value : undefined;
      if (typeof word === 'string' && (FILE_FLAGS as readonly string[]).includes(word)) {
        bits |= AddressFlag[word as AddressFlagName];
      } else if (word === 'implicit') {
        this.problem(item, 'flag "implicit" cannot be set: the kernel makes implicit endpoints itself');
      } else {
        const guess = typeof word === 'string' ? didYouMean(word, FILE_FLAGS) : undefined;
        this.problem(item, `unknown flag ${JSON.stringify(word)}${guess ? `: did you mean "${guess}"?` : ` (expected ${FILE_FLAGS.join(', ')})`}`);
      }
    }
    if ((bits & AddressFlag.signal) && (bits & AddressFlag.fullmesh)) this.problem(node, 'signal and fullmesh cannot go together (the kernel refuses it)');
    return bits;
  }
}

/** Parses and checks `text` (the contents of `file`); throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): DesiredConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const check = new Checker(file, lines);
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lines.linePos(error.pos[0]);
    check.problems.push({ file, line: Math.max(line, 1), column: Math.max(col, 1), message: error.message.split('\n')[0]! });
  }
  const config: DesiredConfig = { file, limits: {}, sysctl: new Map(), endpoints: [], rules: [], unlisted: 'remove' };
  if (!check.problems.length && doc.contents !== null) {
    const top = check.map(doc.contents, 'the file');
    if (top) readTop(check, top, config, options);
  }
  if (check.problems.length) throw new ConfigError(check.problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return config;
}

function readTop(check: Checker, top: YAMLMap, config: DesiredConfig, options: ParseOptions): void {
  const keys = check.pairs(top, TOP_KEYS, 'the file');
  const netns = keys.get('netns');
  if (netns) {
    const name = check.string(netns.value, 'netns');
    const problem = name === undefined ? undefined : checkNetnsName(name);
    if (problem) check.problem(netns.value, `invalid netns: ${problem}`);
    else if (name !== undefined) config.netns = name;
  }
  const unlisted = keys.get('unlisted');
  if (unlisted) config.unlisted = check.choice(unlisted.value, 'unlisted', ['remove', 'keep'] as const) ?? 'remove';
  const limits = keys.get('limits');
  if (limits) {
    const map = check.map(limits.value, 'limits');
    if (map) {
      for (const [key, pair] of check.pairs(map, LIMIT_KEYS, 'limits')) {
        const value = check.integer(pair.value, `limits ${key}`, 0, MAX_LIMIT);
        if (value !== undefined) config.limits[key === 'subflows' ? 'subflows' : 'addAddrAccepted'] = value;
      }
    }
  }
  const sysctl = keys.get('sysctl');
  if (sysctl) {
    const map = check.map(sysctl.value, 'sysctl');
    if (map) readSysctl(check, map, config, options);
  }
  const endpoints = keys.get('endpoints');
  if (endpoints && endpoints.value !== null) {
    if (!isSeq(endpoints.value)) check.problem(endpoints.value, 'endpoints must be a list (lines starting with "- ")');
    else {
      for (const item of endpoints.value.items as Node[]) {
        const endpoint = readEndpoint(check, item);
        if (endpoint) config.endpoints.push(endpoint);
      }
      checkEndpointSet(check, config.endpoints, endpoints.key);
    }
  }
  const rules = keys.get('rules');
  if (rules && rules.value !== null) {
    if (!isSeq(rules.value)) check.problem(rules.value, 'rules must be a list (lines starting with "- ")');
    else (rules.value.items as Node[]).forEach((item, i) => {
      const rule = readRule(check, item, i + 1);
      if (rule) config.rules.push(rule);
    });
  }
}

function readSysctl(check: Checker, map: YAMLMap, config: DesiredConfig, options: ParseOptions): void {
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const raw = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof raw !== 'string') {
      check.problem(pair.key, 'sysctl keys must be words (net.mptcp.* names, with or without the prefix)');
      continue;
    }
    const key = raw.replace(/^net\.mptcp\./, '');
    if (READ_ONLY_SYSCTLS.has(key)) {
      check.problem(pair.key, `sysctl ${key} can only be read`);
      continue;
    }
    if (options.sysctlKeys && !options.sysctlKeys.has(key)) {
      const guess = didYouMean(key, [...options.sysctlKeys]);
      check.problem(pair.key, `unknown sysctl "${raw}": the running kernel has no net.mptcp.${key}${guess ? `: did you mean "${guess}"?` : ''}`);
      continue;
    }
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value)) config.sysctl.set(key, String(value));
    else if (typeof value === 'boolean') config.sysctl.set(key, value ? '1' : '0');
    else if (typeof value === 'string' && value !== '' && !/[\n\0]/.test(value)) config.sysctl.set(key, value);
    else check.problem(pair.value, `sysctl ${key} must be an integer or a word`);
  }
}

function readEndpoint(check: Checker, node: Node): StaticEndpoint | undefined {
  const map = check.map(node, 'an endpoint');
  if (!map) return undefined;
  const keys = check.pairs(map, ENDPOINT_KEYS, 'an endpoint');
  const addressPair = keys.get('address');
  if (!addressPair) {
    check.problem(map, 'an endpoint needs an address');
    return undefined;
  }
  const text = isScalar(addressPair.value) ? String(addressPair.value.value) : undefined;
  const parsed = text === undefined ? undefined : parseInet(text);
  if (!parsed) {
    check.problem(addressPair.value, `${text === undefined ? 'address' : JSON.stringify(text)} is not an IPv4 or IPv6 address`);
    return undefined;
  }
  const endpoint: StaticEndpoint = { address: formatInet(parsed), family: parsed.family, port: 0, flags: 0, at: check.at(map) };
  const id = keys.get('id');
  if (id) {
    const value = check.integer(id.value, 'id', 1, 255);
    if (value !== undefined) endpoint.id = value;
  }
  const dev = keys.get('dev');
  if (dev) {
    const name = check.string(dev.value, 'dev');
    if (name !== undefined && (name.length >= 16 || /[/\s]/.test(name) || name === '.' || name === '..')) check.problem(dev.value, `invalid interface name ${JSON.stringify(name)}: 1 to 15 characters, no "/" or blanks`);
    else if (name !== undefined) endpoint.dev = name;
  }
  const flags = keys.get('flags');
  if (flags) endpoint.flags = check.flags(flags.value, 'flags') ?? 0;
  const port = keys.get('port');
  if (port) {
    const value = check.integer(port.value, 'port', 1, 65535);
    if (value !== undefined) {
      endpoint.port = value;
      if (!(endpoint.flags & AddressFlag.signal) || endpoint.flags & AddressFlag.subflow) check.problem(port.value, 'port needs the signal flag and not subflow (the kernel then listens on ADDRESS:PORT)');
    }
  }
  return endpoint;
}

/** Duplicate ids or addresses, and more endpoints than the kernel takes. */
function checkEndpointSet(check: Checker, endpoints: StaticEndpoint[], listKey: Node): void {
  const ids = new Map<number, StaticEndpoint>();
  const addresses = new Map<string, StaticEndpoint>();
  for (const e of endpoints) {
    if (e.id !== undefined) {
      const first = ids.get(e.id);
      if (first) check.problems.push({ file: check.file, ...e.at, message: `duplicate id ${e.id} (also line ${first.at.line})` });
      else ids.set(e.id, e);
    }
    const key = `${e.address} ${e.port}`;
    const first = addresses.get(key);
    if (first) check.problems.push({ file: check.file, ...e.at, message: `duplicate endpoint ${e.address}${e.port ? ` port ${e.port}` : ''} (also line ${first.at.line})` });
    else addresses.set(key, e);
  }
  if (endpoints.length > MAX_ENDPOINTS) check.problem(listKey, `${endpoints.length} endpoints: the kernel takes at most ${MAX_ENDPOINTS} per namespace`);
}

function readRule(check: Checker, node: Node, number: number): Rule | undefined {
  const map = check.map(node, 'a rule');
  if (!map) return undefined;
  const keys = check.pairs(map, RULE_KEYS, `rule ${number}`);
  const rule: Rule = {
    number,
    interfaces: [],
    family: 'any',
    flags: AddressFlag.subflow,
    scope: 'global',
    temporary: false,
    ula: false,
    deprecated: false,
    tentative: false,
    link: 'up',
    at: check.at(map),
  };
  const interfaces = keys.get('interfaces');
  if (!interfaces) check.problem(map, `rule ${number} needs interfaces (a list of name patterns, e.g. ["eth*"])`);
  else if (isScalar(interfaces.value) && typeof interfaces.value.value === 'string') rule.interfaces = [interfaces.value.value];
  else if (isSeq(interfaces.value) && interfaces.value.items.length) {
    for (const item of interfaces.value.items as Node[]) {
      const glob = check.string(item, 'an interface pattern');
      if (glob !== undefined) rule.interfaces.push(glob);
    }
  } else check.problem(interfaces.value, 'interfaces must be a list of interface name patterns, e.g. ["eth*", "wlan0"]');
  const family = keys.get('family');
  if (family) rule.family = check.choice<FamilyChoice>(family.value, 'family', ['ipv4', 'ipv6', 'any']) ?? 'any';
  const flags = keys.get('flags');
  if (flags) rule.flags = check.flags(flags.value, 'flags') ?? 0;
  const scope = keys.get('scope');
  if (scope) rule.scope = check.choice<ScopeChoice>(scope.value, 'scope', ['global', 'link', 'any']) ?? 'global';
  for (const key of ['temporary', 'ula', 'deprecated', 'tentative'] as const) {
    const pair = keys.get(key);
    if (pair) rule[key] = check.boolean(pair.value, key) ?? false;
  }
  const link = keys.get('link');
  if (link) rule.link = check.choice(link.value, 'link', ['up', 'any'] as const) ?? 'up';
  const ids = keys.get('ids');
  if (ids) {
    const value = isScalar(ids.value) ? String(ids.value.value) : '';
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(value);
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(from >= 1 && to <= 255 && from <= to)) check.problem(ids.value, `ids must be a range FROM-TO within 1..255, e.g. 10-19${value ? `, not ${JSON.stringify(value)}` : ''}`);
    else rule.ids = { from, to };
  }
  return rule;
}

/** The file's `netns:` when it is a plain word, read before the file is checked (to know where to look). */
export function peekNetns(text: string): string | undefined {
  try {
    const value = (parseDocument(text).contents as YAMLMap | null)?.get?.('netns');
    return typeof value === 'string' && !checkNetnsName(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
