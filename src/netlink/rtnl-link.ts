/**
 * Interfaces with their state (RTM_GETLINK dump): administratively up (IFF_UP) and carrier
 * (IFF_LOWER_UP), which `connection explain` needs to say that an endpoint's device is down.
 * Decoding is pure.
 */
import { readI32LE, readU32LE, subarrayOf } from '../util/bytes.js';
import type { TraceHook } from './exchange.js';
import { decodeAttributes, readCString } from './message.js';
import { rtnlDump } from './rtnl.js';
import type { TransportOptions } from './transport.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFLA_IFNAME = 3;
const IFINFOMSG_SIZE = 16;
const IFF_UP = 0x1;
const IFF_LOWER_UP = 0x10000;

export interface LinkState {
  index: number;
  name: string;
  /** IFF_UP: set up by the administrator (`ip link set DEV up`). */
  up: boolean;
  /** IFF_LOWER_UP: the link has carrier (for a veth: its peer is up too). */
  lowerUp: boolean;
}

/** Every interface of the namespace with its state, by index. */
export async function listLinkStates(options: TransportOptions = {}, trace?: TraceHook): Promise<Map<number, LinkState>> {
  return decodeLinkStates(await rtnlDump(options, { type: RTM_GETLINK, operation: 'RTM_GETLINK', headerSize: IFINFOMSG_SIZE, replyType: RTM_NEWLINK }, trace));
}

/** RTM_NEWLINK payloads (ifinfomsg + attributes) -> link states. Pure. */
export function decodeLinkStates(payloads: Buffer[]): Map<number, LinkState> {
  const links = new Map<number, LinkState>();
  for (const payload of payloads) {
    if (payload.length < IFINFOMSG_SIZE) continue;
    const index = readI32LE(payload, 4);
    const flags = readU32LE(payload, 8);
    let name = `if${index}`;
    for (const attr of decodeAttributes(subarrayOf(payload, IFINFOMSG_SIZE))) if (attr.type === IFLA_IFNAME) name = readCString(attr.data);
    links.set(index, { index, name, up: (flags & IFF_UP) !== 0, lowerUp: (flags & IFF_LOWER_UP) !== 0 });
  }
  return links;
}
