/**
 * Interfaces with their state (RTM_GETLINK dump): index, name and the IFF_* flags, which tell
 * whether an interface is up and has a carrier. Decoding is pure.
 */
import type { TraceHook } from './exchange.js';
import { decodeAttributes, readCString } from './message.js';
import { rtnlDump } from './rtnl.js';
import type { TransportOptions } from './transport.js';
import { readI32LE, readU32LE, subarrayOf } from '../util/bytes.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFLA_IFNAME = 3;
const IFINFOMSG_SIZE = 16;

export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
/** Up and with a carrier (operational). */
export const IFF_RUNNING = 0x40;
/** The link has carrier (for a veth: its peer is up too). */
export const IFF_LOWER_UP = 0x10000;

export interface LinkInfo {
  index: number;
  name: string;
  /** IFF_* bits. */
  flags: number;
}

/** A link as `connection explain` weighs it. */
export interface LinkState {
  index: number;
  name: string;
  /** IFF_UP: set up by the administrator (`ip link set DEV up`). */
  up: boolean;
  /** IFF_LOWER_UP: the link has carrier. */
  lowerUp: boolean;
}

/** Every interface of the namespace, in index order. */
export async function listLinks(options: TransportOptions = {}, trace?: TraceHook): Promise<LinkInfo[]> {
  return decodeLinkInfos(await rtnlDump(options, { type: RTM_GETLINK, operation: 'RTM_GETLINK', headerSize: IFINFOMSG_SIZE, replyType: RTM_NEWLINK }, trace));
}

/** Every interface of the namespace with its state, by index. */
export async function listLinkStates(options: TransportOptions = {}, trace?: TraceHook): Promise<Map<number, LinkState>> {
  return linkStates(await listLinks(options, trace));
}

/** RTM_NEWLINK payloads (ifinfomsg + attributes) -> links. Pure. */
export function decodeLinkInfos(payloads: Buffer[]): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const payload of payloads) {
    if (payload.length < IFINFOMSG_SIZE) continue;
    const index = readI32LE(payload, 4);
    let name = `if${index}`;
    for (const attr of decodeAttributes(subarrayOf(payload, IFINFOMSG_SIZE))) if (attr.type === IFLA_IFNAME) name = readCString(attr.data);
    links.push({ index, name, flags: readU32LE(payload, 8) });
  }
  return links.sort((a, b) => a.index - b.index);
}

/** RTM_NEWLINK payloads -> link states by index. Pure. */
export function decodeLinkStates(payloads: Buffer[]): Map<number, LinkState> {
  return linkStates(decodeLinkInfos(payloads));
}

function linkStates(links: LinkInfo[]): Map<number, LinkState> {
  return new Map(links.map((l) => [l.index, { index: l.index, name: l.name, up: (l.flags & IFF_UP) !== 0, lowerUp: (l.flags & IFF_LOWER_UP) !== 0 }]));
}
