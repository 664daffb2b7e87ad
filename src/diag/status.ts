/**
 * Everything `mptcpctl status` reports about one network namespace, gathered into a snapshot:
 * the net.mptcp.* settings, the mptcp_pm family as the running kernel describes it (ops, groups,
 * policies) and the features that follow from it, limits, endpoints, interfaces and addresses,
 * live connections, event subscribers and MPTCP counters. Lint rules (lint.ts) then read only
 * the snapshot, so they are pure and tested with tables.
 */
import { release } from 'node:os';
import type { Endpoint, Limits } from '../mptcp/records.js';
import { Command, commandNames, EVENTS_GROUP } from '../families/mptcp-pm.js';
import { MptcpPm } from '../pm/client.js';
import { FamilyMissingError, NetnsError } from '../errors.js';
import type { TraceHook } from '../netlink/exchange.js';
import type { FamilyInfo } from '../netlink/genl.js';
import { opAccepts, type FamilyPolicy } from '../netlink/genl-policy.js';
import { OpFlag, opFlagNames } from '../families/nlctrl.js';
import { listInterfaces } from '../netlink/rtnl.js';
import { listAddresses, type InterfaceAddress } from '../netlink/rtnl-addr.js';
import { NETLINK_GENERIC, type TransportOptions } from '../netlink/transport.js';
import { readDirInNetns, readInNetns } from '../sys/netns.js';
import { countersObject, mptcpCounters } from './netstat.js';
import { listNetlinkSockets } from './netlink-diag.js';
import { SockDiag } from './sockdiag.js';

/** The namespace's path-manager choice. */
export interface PathManagerInfo {
  /** `kernel`, `userspace`, or another name a newer kernel offers. */
  name: string;
  /** Which sysctl said so: net.mptcp.path_manager (>= 6.15) or net.mptcp.pm_type. */
  sysctl: string;
  /** net.mptcp.available_path_managers, when the kernel has it. */
  available?: string[];
}

/** One feature and how the running kernel showed it. */
export interface Feature {
  name: string;
  /** Undefined: the kernel does not say. */
  supported: boolean | undefined;
  /** Where the answer comes from, for people (e.g. "GET_ADDR policy accepts token"). */
  evidence: string;
}

export interface FamilyStatus {
  name: string;
  id: number;
  version: number;
  operations: { id: number; name: string; flags: number; flagNames: string[] }[];
  groups: { name: string; id: number }[];
}

export interface ConnectionSummary {
  /** MPTCP connections that are not listeners. */
  connections: number;
  listeners: number;
  clients: number;
  servers: number;
  /** Connections that have a single subflow: no second path (yet). */
  singleSubflow: number;
}

export interface StatusSnapshot {
  netns?: string;
  /** `uname -r`. */
  kernelRelease: string;
  /** net.mptcp.* settings by full name, trimmed, in name order. */
  sysctls: Record<string, string>;
  /** net.mptcp.enabled; undefined when the namespace has no MPTCP sysctls. */
  enabled: boolean | undefined;
  pathManager: PathManagerInfo | undefined;
  scheduler: { name: string; available?: string[] } | undefined;
  /** Undefined when the kernel has no mptcp_pm family. */
  family: FamilyStatus | undefined;
  features: Feature[];
  limits: Limits | undefined;
  endpoints: Endpoint[];
  /** Interface index -> name. */
  interfaces: Map<number, string>;
  addresses: InterfaceAddress[];
  connections: ConnectionSummary | undefined;
  /** Sockets in the namespace subscribed to mptcp_pm_events; undefined when it cannot be told. */
  eventListeners: number | undefined;
  /** MPTcpExt counters of the namespace (/proc/net/netstat), by name. */
  counters: Record<string, number>;
  /** What could not be read, one line each (the rest of the snapshot is still valid). */
  problems: string[];
}

export interface StatusOptions {
  netns?: string;
  trace?: TraceHook;
  /** An already open client to reuse (the CLI's session); otherwise one is opened and closed. */
  pm?: MptcpPm;
}

const SYSCTL_DIR = '/proc/sys/net/mptcp';

/** Parses `6.18.44-foo` into [6, 18]; [0, 0] when unreadable. */
export function releaseVersion(text: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

const atLeast = (have: [number, number], major: number, minor: number): boolean => have[0] > major || (have[0] === major && have[1] >= minor);

/**
 * Features from what the running kernel shows: the op list and op flags (CTRL_CMD_GETFAMILY),
 * the per-op policies (CTRL_CMD_GETPOLICY), the groups; the release only for what netlink cannot
 * show (event types and flag bits are not listed anywhere). Pure.
 */
export function detectFeatures(family: FamilyInfo | undefined, policy: FamilyPolicy | undefined, kernelRelease: string): Feature[] {
  const version = releaseVersion(kernelRelease);
  const byRelease = (name: string, major: number, minor: number, what: string): Feature => ({
    name,
    supported: version[0] ? atLeast(version, major, minor) : undefined,
    evidence: `${what} since Linux ${major}.${minor}; this is ${kernelRelease} (netlink does not list ${name === 'laminar' ? 'endpoint flags' : 'event types'})`,
  });
  if (!family) return [];
  const has = (cmd: number): boolean => family.ops.has(cmd);
  const byToken = opAccepts(policy, Command.GET_ADDR, 4, 'dump');
  const getFlags = family.ops.get(Command.GET_ADDR) ?? 0;
  const userspaceOps = [Command.ANNOUNCE, Command.REMOVE, Command.SUBFLOW_CREATE, Command.SUBFLOW_DESTROY];
  return [
    {
      name: 'userspace-pm',
      supported: userspaceOps.every(has),
      evidence: userspaceOps.every(has) ? 'ANNOUNCE, REMOVE, SUBFLOW_CREATE and SUBFLOW_DESTROY are listed' : 'the userspace-PM operations are not listed',
    },
    { name: 'set-flags', supported: has(Command.SET_FLAGS), evidence: has(Command.SET_FLAGS) ? 'SET_FLAGS is listed' : 'SET_FLAGS is not listed' },
    {
      name: 'events',
      supported: family.groups.has(EVENTS_GROUP),
      evidence: family.groups.has(EVENTS_GROUP) ? `group ${EVENTS_GROUP} is listed (id ${family.groups.get(EVENTS_GROUP)})` : `no group ${EVENTS_GROUP}`,
    },
    {
      name: 'get-addr-by-token',
      supported: byToken,
      evidence: byToken === undefined ? 'the kernel gave no policy for GET_ADDR' : `the GET_ADDR dump policy ${byToken ? 'accepts' : 'lacks'} attribute token`,
    },
    {
      name: 'unprivileged-endpoint-show',
      supported: has(Command.GET_ADDR) ? !(getFlags & (OpFlag.ADMIN_PERM | OpFlag.UNS_ADMIN_PERM)) : undefined,
      evidence: `GET_ADDR flags ${opFlagNames(getFlags).join('|') || 'none'}`,
    },
    byRelease('listener-events', 6, 2, 'LISTENER_CREATED/LISTENER_CLOSED events exist'),
    byRelease('laminar', 6, 18, 'the laminar endpoint flag exists'),
  ];
}

function familyStatus(family: FamilyInfo): FamilyStatus {
  return {
    name: family.name,
    id: family.id,
    version: family.version,
    operations: [...family.ops].sort(([a], [b]) => a - b).map(([id, flags]) => ({ id, name: commandNames.get(id) ?? `op ${id}`, flags, flagNames: opFlagNames(flags) })),
    groups: [...family.groups].map(([name, id]) => ({ name, id })),
  };
}

/** `/proc/net/netstat` text -> the MPTcpExt counters, by name (netstat.ts reads them). Pure. */
export function parseMptcpCounters(netstat: string): Record<string, number> {
  return countersObject(mptcpCounters(netstat));
}

/** The path manager and scheduler from the settings (names as in /proc/sys, without the prefix). Pure. */
export function pathManagerOf(sysctls: Record<string, string>): PathManagerInfo | undefined {
  const available = sysctls['net.mptcp.available_path_managers']?.split(/\s+/).filter(Boolean);
  const withAvailable = (info: PathManagerInfo): PathManagerInfo => (available ? { ...info, available } : info);
  const name = sysctls['net.mptcp.path_manager'];
  if (name !== undefined) return withAvailable({ name, sysctl: 'net.mptcp.path_manager' });
  const type = sysctls['net.mptcp.pm_type'];
  if (type === undefined) return undefined;
  return withAvailable({ name: type === '0' ? 'kernel' : type === '1' ? 'userspace' : `pm_type ${type}`, sysctl: 'net.mptcp.pm_type' });
}

/** Runs one part of the gathering; a failure becomes a problem line instead of failing `status`. */
async function part<T>(problems: string[], what: string, fn: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    // A namespace that cannot be entered makes every part fail: say it once, as an error.
    if (err instanceof NetnsError) throw err;
    problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Gathers the snapshot of `options.netns` (the current namespace if absent). */
export async function gatherStatus(options: StatusOptions = {}): Promise<StatusSnapshot> {
  const { netns, trace } = options;
  const transport: TransportOptions = netns === undefined ? {} : { netns };
  const problems: string[] = [];
  const raw = (await part(problems, 'net.mptcp settings', () => readDirInNetns(netns, SYSCTL_DIR))) ?? new Map<string, string>();
  const sysctls: Record<string, string> = {};
  for (const [name, value] of raw) sysctls[`net.mptcp.${name}`] = value.trim();
  const kernelRelease = release();

  let pm = options.pm;
  const owned = !pm;
  let family: FamilyInfo | undefined;
  try {
    pm ??= await MptcpPm.open({ ...transport, ...(trace ? { trace } : {}) });
    family = pm.family;
  } catch (err) {
    if (err instanceof NetnsError) throw err;
    if (!(err instanceof FamilyMissingError)) throw err;
    problems.push(err.message);
  }
  try {
    const policy = pm ? await part(problems, 'family policy', () => pm!.policy()) : undefined;
    const limits = pm ? await part(problems, 'limits', () => pm!.getLimits()) : undefined;
    const endpoints = (pm ? await part(problems, 'endpoints', () => pm!.listEndpoints()) : undefined) ?? [];
    const interfaces = (await part(problems, 'interfaces', () => listInterfaces(transport, trace))) ?? new Map<number, string>();
    const addresses = (await part(problems, 'addresses', () => listAddresses(transport, trace))) ?? [];
    const connections = await part(problems, 'connections', () => summarizeConnections(transport, trace));
    const eventsGroup = family?.groups.get(EVENTS_GROUP);
    const eventListeners =
      eventsGroup === undefined
        ? undefined
        : await part(problems, 'event subscribers', async () => (await listNetlinkSockets(NETLINK_GENERIC, transport, trace)).filter((s) => s.groups.includes(eventsGroup)).length);
    const counters = (await part(problems, 'MPTCP counters', () => parseMptcpCounters(readInNetns(netns, '/proc/thread-self/net/netstat')))) ?? {};
    const enabled = sysctls['net.mptcp.enabled'];
    const scheduler = sysctls['net.mptcp.scheduler'];
    const schedulers = sysctls['net.mptcp.available_schedulers']?.split(/\s+/).filter(Boolean);
    const snapshot: StatusSnapshot = {
      kernelRelease,
      sysctls,
      enabled: enabled === undefined ? undefined : enabled !== '0',
      pathManager: pathManagerOf(sysctls),
      scheduler: scheduler === undefined ? undefined : { name: scheduler, ...(schedulers ? { available: schedulers } : {}) },
      family: family && familyStatus(family),
      features: detectFeatures(family, policy, kernelRelease),
      limits,
      endpoints,
      interfaces,
      addresses,
      connections,
      eventListeners,
      counters,
      problems,
    };
    if (netns !== undefined) snapshot.netns = netns;
    return snapshot;
  } finally {
    if (owned) await pm?.close();
  }
}

async function summarizeConnections(transport: TransportOptions, trace: TraceHook | undefined): Promise<ConnectionSummary> {
  const diag = SockDiag.open(transport);
  diag.trace = trace;
  try {
    const all = await diag.listConnections();
    const live = all.filter((c) => c.state !== 'LISTEN');
    return {
      connections: live.length,
      listeners: all.length - live.length,
      clients: live.filter((c) => c.side === 'client').length,
      servers: live.filter((c) => c.side === 'server').length,
      singleSubflow: live.filter((c) => c.state === 'ESTAB' && c.subflows <= 1).length,
    };
  } finally {
    await diag.close();
  }
}
