/**
 * Interfaces with their state (RTM_GETLINK dump): index, name and the IFF_* flags, which tell
 * whether an interface is up and has a carrier. Decoding is pure.
 */
import type { TraceHook } from './exchange.js';
import { decodeLink, rtnlReader } from './rtnl.js';
import type { TransportOptions } from './transport.js';
import { IFF_LOWER_UP, IFF_UP, RTM_GETLINK } from '../families/rtnl.js';

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
export const listLinks = rtnlReader(RTM_GETLINK, decodeLinkInfos);

/** Every interface of the namespace with its state, by index. */
export async function listLinkStates(options: TransportOptions = {}, trace?: TraceHook): Promise<Map<number, LinkState>> {
  return linkStates(await listLinks(options, trace));
}

/** RTM_NEWLINK payloads (ifinfomsg + attributes) -> links. Pure. */
export function decodeLinkInfos(payloads: Buffer[]): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const payload of payloads) {
    const link = decodeLink(payload);
    if (link) links.push({ index: link.index, name: link.name ?? `if${link.index}`, flags: link.flags });
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
