/**
 * rtnetlink dumps in a namespace, and interface names and indexes from them (RTM_GETLINK), read
 * inside the chosen namespace, as `ip -n NS` resolves `dev NAME` there rather than in the
 * caller's namespace. Messages and attributes are described in families/rtnl.ts.
 */
import { KernelError } from '../errors.js';
import { dumpConsistently, type TraceHook } from './exchange.js';
import { decodeAttributeSet, readStruct } from './attrset.js';
import { encodeMessage, NLM_F_DUMP, NLM_F_REQUEST } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';
import { ifinfomsg, linkSet, RTM_GETLINK, rtnlMessages } from '../families/rtnl.js';

/**
 * One rtnetlink dump in the namespace: sends the RTM_GET* `type` with its header zeroed (no
 * filter) and returns the payloads of the RTM_NEW* replies (each is its request's type - 2).
 */
export async function rtnlDump(options: TransportOptions, type: number, trace?: TraceHook): Promise<Buffer[]> {
  const { name: operation, header } = rtnlMessages.get(type)!;
  const transport = NetlinkTransport.open(NETLINK_ROUTE, options);
  try {
    let seq = Math.floor(Date.now() / 1000);
    const replies = await dumpConsistently(transport, () => ({
      message: encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: ++seq, pid: 0 }, Buffer.alloc(header!.size)),
      operation,
      toError: (ack) => new KernelError({ errno: -ack.error, operation, message: ack.message }),
      trace,
    }));
    return replies.filter((m) => m.type === type - 2).map((m) => m.payload);
  } finally {
    await transport.close();
  }
}

/** A reader of every RTM_NEWLINK, RTM_NEWADDR... of the namespace, decoded by `decode`. */
export function rtnlReader<T>(type: number, decode: (payloads: Buffer[]) => T): (options?: TransportOptions, trace?: TraceHook) => Promise<T> {
  return async (options = {}, trace) => decode(await rtnlDump(options, type, trace));
}

/** One RTM_NEWLINK payload's index, IFF_* flags and name (if it has one); undefined when too short. */
export function decodeLink(payload: Buffer): { index: number; flags: number; name?: string } | undefined {
  if (payload.length < ifinfomsg.size) return undefined;
  const h = readStruct(ifinfomsg, payload) as Record<string, number>;
  const name = decodeAttributeSet(linkSet, payload.subarray(ifinfomsg.size)).values.get('ifname') as string | undefined;
  return { index: h['index']!, flags: h['flags']!, ...(name === undefined ? {} : { name }) };
}

/** Interface index -> name, for every interface of the namespace. */
export const listInterfaces = rtnlReader(RTM_GETLINK, decodeLinks);

/** Decodes RTM_NEWLINK payloads (ifinfomsg + attributes) into index -> name. Pure. */
export function decodeLinks(payloads: Buffer[]): Map<number, string> {
  const links = new Map<number, string>();
  for (const payload of payloads) {
    const link = decodeLink(payload);
    if (link?.name !== undefined) links.set(link.index, link.name);
  }
  return links;
}
