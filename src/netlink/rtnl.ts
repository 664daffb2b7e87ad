/**
 * Interface names and indexes from rtnetlink (RTM_GETLINK), read inside the chosen namespace,
 * as `ip -n NS` resolves `dev NAME` there rather than in the caller's namespace.
 */
import { KernelError } from './errors.js';
import { dumpConsistently, type TraceHook } from './exchange.js';
import { decodeAttributes, encodeMessage, NLM_F_DUMP, NLM_F_REQUEST } from './message.js';
import { NETLINK_ROUTE, NetlinkTransport, type TransportOptions } from './transport.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFLA_IFNAME = 3;
const IFINFOMSG_SIZE = 16;

/** Interface index -> name, for every interface of the namespace. */
export async function listInterfaces(options: TransportOptions = {}, trace?: TraceHook): Promise<Map<number, string>> {
  const transport = NetlinkTransport.open(NETLINK_ROUTE, options);
  try {
    let seq = Math.floor(Date.now() / 1000);
    const replies = await dumpConsistently(transport, () => {
      const message = encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: ++seq, pid: 0 }, Buffer.alloc(IFINFOMSG_SIZE));
      return {
        message,
        operation: 'RTM_GETLINK',
        toError: (ack) => new KernelError({ errno: -ack.error, operation: 'RTM_GETLINK', message: ack.message }),
        trace,
      };
    });
    return decodeLinks(replies.filter((m) => m.type === RTM_NEWLINK).map((m) => m.payload));
  } finally {
    await transport.close();
  }
}

/** Decodes RTM_NEWLINK payloads (ifinfomsg + attributes) into index -> name. Pure. */
export function decodeLinks(payloads: Buffer[]): Map<number, string> {
  const links = new Map<number, string>();
  for (const payload of payloads) {
    if (payload.length < IFINFOMSG_SIZE) continue;
    const index = payload.readInt32LE(4);
    for (const attr of decodeAttributes(payload.subarray(IFINFOMSG_SIZE))) {
      if (attr.type !== IFLA_IFNAME) continue;
      const nul = attr.data.indexOf(0);
      links.set(index, attr.data.toString('utf8', 0, nul < 0 ? attr.data.length : nul));
    }
  }
  return links;
}
