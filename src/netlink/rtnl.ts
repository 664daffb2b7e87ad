/**
 * Interface names and indexes from rtnetlink (RTM_GETLINK), read inside the chosen namespace,
 * as `ip -n NS` resolves `dev NAME` there rather than in the caller's namespace.
 */
import { KernelError } from '../errors.js';
import { dumpConsistently, type TraceHook } from './exchange.js';
import { decodeAttributes, encodeMessage, NLM_F_DUMP, NLM_F_REQUEST, readCString } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';
import { readI32LE, subarrayOf } from '../util/bytes.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFLA_IFNAME = 3;
const IFINFOMSG_SIZE = 16;

/**
 * One rtnetlink dump in the namespace: sends `request` (the header struct the request type
 * needs, zeroed: no filter) and returns the payloads of the `replyType` messages.
 */
export async function rtnlDump(
  options: TransportOptions,
  request: { type: number; operation: string; headerSize: number; replyType: number },
  trace?: TraceHook,
): Promise<Buffer[]> {
  const transport = NetlinkTransport.open(NETLINK_ROUTE, options);
  try {
    let seq = Math.floor(Date.now() / 1000);
    const replies = await dumpConsistently(transport, () => ({
      message: encodeMessage({ type: request.type, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: ++seq, pid: 0 }, Buffer.alloc(request.headerSize)),
      operation: request.operation,
      toError: (ack) => new KernelError({ errno: -ack.error, operation: request.operation, message: ack.message }),
      trace,
    }));
    return replies.filter((m) => m.type === request.replyType).map((m) => m.payload);
  } finally {
    await transport.close();
  }
}

/** Interface index -> name, for every interface of the namespace. */
export async function listInterfaces(options: TransportOptions = {}, trace?: TraceHook): Promise<Map<number, string>> {
  return decodeLinks(await rtnlDump(options, { type: RTM_GETLINK, operation: 'RTM_GETLINK', headerSize: IFINFOMSG_SIZE, replyType: RTM_NEWLINK }, trace));
}

/** Decodes RTM_NEWLINK payloads (ifinfomsg + attributes) into index -> name. Pure. */
export function decodeLinks(payloads: Buffer[]): Map<number, string> {
  const links = new Map<number, string>();
  for (const payload of payloads) {
    if (payload.length < IFINFOMSG_SIZE) continue;
    const index = readI32LE(payload, 4);
    for (const attr of decodeAttributes(subarrayOf(payload, IFINFOMSG_SIZE))) {
      if (attr.type !== IFLA_IFNAME) continue;
      links.set(index, readCString(attr.data));
    }
  }
  return links;
}
