/**
 * One reading of a namespace for metrics (`stats --prometheus`, `exporter`): the MPTcpExt
 * counters, endpoints, limits, and live connections and subflows, each part read on its own so
 * that one failing part (say, endpoints on a kernel that needs CAP_NET_ADMIN for them) leaves
 * the others, and the failure is counted instead of failing the scrape.
 */
import type { Endpoint, Limits } from '../mptcp/records.js';
import { NetnsError } from '../errors.js';
import type { MptcpPm } from '../pm/client.js';
import { listInterfaces } from '../netlink/rtnl.js';
import { listAddresses, type InterfaceAddress } from '../netlink/rtnl-addr.js';
import type { TransportOptions } from '../netlink/transport.js';
import { readMptcpCounters, type Counter } from './netstat.js';
import type { MptcpConnection, MptcpSubflow } from './records.js';
import { SockDiag } from './sockdiag.js';

/** The parts a sample reads; a failure is reported under its part's name. */
export type SamplePart = 'counters' | 'endpoints' | 'limits' | 'interfaces' | 'connections' | 'netns';

export interface NamespaceSample {
  counters?: Counter[];
  endpoints?: Endpoint[];
  limits?: Limits;
  /** Interface index -> name. */
  interfaces?: Map<number, string>;
  addresses?: InterfaceAddress[];
  connections?: MptcpConnection[];
  subflows?: MptcpSubflow[];
  errors: { part: SamplePart; message: string }[];
}

/**
 * Reads `netns` (this namespace when undefined). `pm` gives the path-manager client for endpoints
 * and limits (opened by the caller, who may keep it across samples); when it cannot be had, the
 * error it throws is counted under endpoints and limits. A namespace that cannot be entered is
 * one error (`netns`), not one per part.
 */
export async function sampleNamespace(netns: string | undefined, pm: () => Promise<MptcpPm>): Promise<NamespaceSample> {
  const transport: TransportOptions = netns === undefined ? {} : { netns };
  const sample: NamespaceSample = { errors: [] };
  const part = async <T>(name: SamplePart, fn: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof NetnsError) throw err;
      sample.errors.push({ part: name, message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  };
  try {
    sample.counters = await part('counters', () => readMptcpCounters(netns));
    sample.endpoints = await part('endpoints', async () => (await pm()).listEndpoints());
    sample.limits = await part('limits', async () => (await pm()).getLimits());
    sample.interfaces = await part('interfaces', () => listInterfaces(transport));
    sample.addresses = await part('interfaces', () => listAddresses(transport));
    await part('connections', async () => {
      const diag = SockDiag.open(transport);
      try {
        ({ connections: sample.connections, subflows: sample.subflows } = await diag.listConnectionsAndSubflows());
      } finally {
        await diag.close();
      }
    });
  } catch (err) {
    return { errors: [{ part: 'netns', message: (err as Error).message }] };
  }
  return sample;
}

/**
 * The interface a subflow leaves through: the device it is bound to, else the one that holds its
 * local address; '' when neither is known. Pure.
 */
export function subflowInterface(subflow: MptcpSubflow, interfaces: ReadonlyMap<number, string>, addresses: readonly InterfaceAddress[]): string {
  const index = subflow.ifindex || addresses.find((a) => a.address === subflow.localAddress)?.ifindex;
  return (index !== undefined && interfaces.get(index)) || '';
}
