/**
 * The desired-state file as typed data (what parse.ts makes of the YAML), the state a namespace
 * is found in, and the error that lists every problem of a file with its position.
 */
import type { Endpoint, Limits } from '../mptcp/records.js';
import type { InterfaceAddress } from '../netlink/rtnl-addr.js';
import type { LinkInfo } from '../netlink/rtnl-link.js';
import { UsageError } from '../errors.js';

/** The kernel's endpoint budget per namespace (MPTCP_PM_ADDR_MAX). */
export const MAX_ENDPOINTS = 8;
/** The kernel's limit on subflows and add_addr_accepted (MPTCP_PM_ADDR_MAX too). */
export const MAX_LIMIT = 8;

/** Where something is in the file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One entry of `endpoints:`, checked. */
export interface StaticEndpoint {
  /** Canonical text. */
  address: string;
  family: 4 | 6;
  id?: number;
  /** Interface name as written (`dev:`). */
  dev?: string;
  /** An interface index given directly (restoring a state found); wins over dev. */
  ifindex?: number;
  /** 0 = none. */
  port: number;
  /** AddressFlag bits. */
  flags: number;
  at: Position;
}

export type FamilyChoice = 'ipv4' | 'ipv6' | 'any';
export type ScopeChoice = 'global' | 'link' | 'any';

/** One entry of `rules:`, checked. */
export interface Rule {
  /** 1-based, in file order: the order that hands out the endpoint budget. */
  number: number;
  /** Interface name globs (`*`, `?`, `[...]`); the first that matches ranks the interface. */
  interfaces: string[];
  family: FamilyChoice;
  flags: number;
  scope: ScopeChoice;
  /** Whether addresses with these properties may become endpoints (all false by default). */
  temporary: boolean;
  ula: boolean;
  deprecated: boolean;
  tentative: boolean;
  /** `up` (default): only interfaces that are up with a carrier. */
  link: 'up' | 'any';
  /** Ids to give this rule's endpoints, inclusive; none: the kernel picks. */
  ids?: { from: number; to: number };
  at: Position;
}

export interface DesiredLimits {
  subflows?: number;
  addAddrAccepted?: number;
}

/** A whole file, checked. */
export interface DesiredConfig {
  /** The file's name as given (for messages). */
  file: string;
  netns?: string;
  limits: DesiredLimits;
  /** net.mptcp.KEY (without the prefix) -> value as written to /proc/sys, in file order. */
  sysctl: Map<string, string>;
  endpoints: StaticEndpoint[];
  rules: Rule[];
  /** `remove` (default): endpoints the file does not produce are deleted; `keep`: left alone. */
  unlisted: 'remove' | 'keep';
}

/** The state of a namespace as read from the kernel. */
export interface ObservedState {
  endpoints: Endpoint[];
  limits: Limits;
  /** Every net.mptcp.* setting (without the prefix), trimmed. */
  sysctl: Map<string, string>;
  links: LinkInfo[];
  addresses: InterfaceAddress[];
}

/** One mistake in a file. */
export interface ConfigProblem extends Position {
  file: string;
  message: string;
}

export function problemText(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** A file that cannot be used as it is: every problem found, each with its position. Nothing was changed. */
export class ConfigError extends UsageError {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.length === 1 ? problemText(problems[0]!) : `${problems.length} problems in ${problems[0]?.file ?? 'the file'}: ${problems.map(problemText).join('; ')}`);
  }
}
