/**
 * Reading a namespace's state (endpoints, limits, net.mptcp.* settings, interfaces and their
 * addresses) and writing a setting: what plan and apply work on.
 */
import type { MptcpPm } from '../pm/client.js';
import type { TraceHook } from '../netlink/exchange.js';
import { listAddresses } from '../netlink/rtnl-addr.js';
import { listLinks } from '../netlink/rtnl-link.js';
import { readDirInNetns, writeInNetns } from '../sys/netns.js';
import type { TransportOptions } from '../netlink/transport.js';
import type { DesiredConfig, ObservedState } from './model.js';
import { READ_ONLY_SYSCTLS } from './parse.js';

const SYSCTL_DIR = '/proc/sys/net/mptcp';

/** Every net.mptcp.* setting of the namespace (read-only ones included), trimmed. */
export function readSysctls(netns: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of readDirInNetns(netns, SYSCTL_DIR)) out.set(name, value.trim());
  return out;
}

/** The settings a file may set: those the kernel has that are not read-only. */
export function writableSysctlKeys(sysctl: ReadonlyMap<string, string>): Set<string> {
  return new Set([...sysctl.keys()].filter((k) => !READ_ONLY_SYSCTLS.has(k)));
}

/** Writes net.mptcp.KEY in the namespace, as `sysctl -w` does. */
export function writeSysctl(netns: string | undefined, key: string, value: string): void {
  writeInNetns(netns, `${SYSCTL_DIR}/${key}`, `${value}\n`);
}

/** Parts of a namespace's state read a moment ago, for readState not to read them again. */
export type KnownState = Partial<Pick<ObservedState, 'sysctl' | 'links' | 'addresses'>>;

/**
 * The namespace's state as plan and apply see it. `known`: parts already read that cannot have
 * changed meanwhile (the settings read to check the file; apply changes no interface and no
 * address), not read again. `config`: the file the state is for, if only that one is to be
 * planned with it: what a plan of it never looks at is not read (left empty), i.e. interfaces'
 * addresses but for rules, and interfaces but for rules, `dev`s and the names of endpoints bound
 * to a device. Without one, everything is read.
 */
export async function readState(pm: MptcpPm, netns: string | undefined, trace?: TraceHook, known: KnownState = {}, config?: DesiredConfig): Promise<ObservedState> {
  const options: TransportOptions = netns === undefined ? {} : { netns };
  const endpoints = await pm.listEndpoints();
  const limits = await pm.getLimits();
  const addressesNeeded = config === undefined || config.rules.length > 0;
  const linksNeeded = addressesNeeded || config.endpoints.some((e) => e.dev !== undefined || e.ifindex !== undefined) || endpoints.some((e) => e.ifindex !== 0);
  const links = known.links ?? (linksNeeded ? await listLinks(options, trace) : []);
  const addresses = known.addresses ?? (addressesNeeded ? await listAddresses(options, trace) : []);
  return { endpoints, limits, sysctl: known.sysctl ?? readSysctls(netns), links, addresses };
}
