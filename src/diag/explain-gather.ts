/**
 * Gathers what `connection explain` reads, all inside the chosen namespace: net.mptcp.* settings,
 * limits and endpoints, interfaces with their state, addresses, connections and subflows
 * (sock_diag), one route lookup per endpoint x peer address, and the MPTcpExt counters with how
 * much they moved since the last look. The verdicts (explain.ts) are computed from it, purely.
 */
import { release } from 'node:os';
import { MptcpPm } from '../pm/client.js';
import type { TraceHook } from '../netlink/exchange.js';
import { listAddresses } from '../netlink/rtnl-addr.js';
import { listLinkStates } from '../netlink/rtnl-link.js';
import { lookupRoutes } from '../netlink/rtnl-route.js';
import { readDirInNetns } from '../sys/netns.js';
import type { TransportOptions } from '../netlink/transport.js';
import { routeKey, routeQueries, type ExplainSnapshot } from './explain.js';
import { lookAtCounters } from './mptcp-counters.js';
import { SockDiag } from './sockdiag.js';
import { pathManagerOf } from './status.js';

export interface GatherOptions {
  netns?: string;
  trace?: TraceHook;
  /** An already open client to reuse (the CLI's session); otherwise one is opened and closed. */
  pm?: MptcpPm;
}

export async function gatherExplainSnapshot(options: GatherOptions = {}): Promise<ExplainSnapshot> {
  const { netns, trace } = options;
  const transport: TransportOptions = netns === undefined ? {} : { netns };
  const sysctls: Record<string, string> = {};
  for (const [name, value] of readDirInNetns(netns, '/proc/sys/net/mptcp')) sysctls[`net.mptcp.${name}`] = value.trim();
  const pm = options.pm ?? (await MptcpPm.open({ ...transport, ...(trace ? { trace } : {}) }));
  try {
    const limits = await pm.getLimits();
    const endpoints = await pm.listEndpoints();
    const diag = SockDiag.open(transport);
    diag.trace = trace;
    let connections, subflows;
    try {
      connections = (await diag.listConnections()).filter((c) => c.state !== 'LISTEN');
      subflows = await diag.listSubflows();
    } finally {
      await diag.close();
    }
    const links = await listLinkStates(transport, trace);
    const addresses = await listAddresses(transport, trace);
    const queries = routeQueries({ endpoints, subflows }, connections);
    const answers = await lookupRoutes(queries, transport, trace);
    const routes = new Map(queries.map((q, i) => [routeKey(q), answers[i]!]));
    const enabled = sysctls['net.mptcp.enabled'];
    const snapshot: ExplainSnapshot = {
      kernelRelease: release(),
      sysctls,
      enabled: enabled === undefined ? undefined : enabled !== '0',
      pathManager: pathManagerOf(sysctls),
      limits,
      endpoints,
      links,
      addresses,
      connections,
      subflows,
      routes,
      counters: lookAtCounters(netns),
    };
    if (netns !== undefined) snapshot.netns = netns;
    return snapshot;
  } finally {
    if (!options.pm) await pm.close();
  }
}
