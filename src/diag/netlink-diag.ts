/**
 * Netlink sockets of a namespace and the multicast groups they joined (NETLINK_SOCK_DIAG with
 * AF_NETLINK, as `ss -f netlink` reads them). The userspace PM only works while some socket in the
 * namespace listens to `mptcp_pm_events`: this is how `status` tells whether one does.
 *
 *   netlink_diag_req { u8 family; u8 protocol; u16 pad; u32 ino; u32 show; u32 cookie[2] }        20 bytes
 *   netlink_diag_msg { u8 family; u8 type; u8 protocol; u8 state; u32 portid; u32 dst_portid;
 *                      u32 dst_group; u32 ino; u32 cookie[2] }                                     28 bytes
 *   NETLINK_DIAG_GROUPS (1): the socket's group bitmap (unsigned longs, host order): bit g-1 = group g.
 */
import { Errno } from '../errno.js';
import { KernelError, PermissionError } from '../errors.js';
import { dumpConsistently, type TraceHook } from '../netlink/exchange.js';
import { decodeAttributes, encodeMessage, NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/message.js';
import { NETLINK_SOCK_DIAG, NetlinkTransport, type TransportOptions } from '../netlink/transport.js';
import { SOCK_DIAG_BY_FAMILY } from './inet-diag.js';
import { readU32LE, subarrayOf, writeU32LE } from '../util/bytes.js';

export const AF_NETLINK = 16;
export const NETLINK_DIAG_REQ_SIZE = 20;
export const NETLINK_DIAG_MSG_SIZE = 28;
export const NDIAG_SHOW_GROUPS = 0x2;
export const NETLINK_DIAG_GROUPS = 1;

/** One netlink socket and the groups it joined. */
export interface NetlinkSocketInfo {
  protocol: number;
  portId: number;
  inode: number;
  /** Multicast group ids (1-based) the socket is a member of. */
  groups: number[];
}

/** The dump request for sockets of netlink `protocol` with their groups. Pure. */
export function encodeNetlinkDiagRequest(protocol: number, seq: number): Buffer {
  const req = Buffer.alloc(NETLINK_DIAG_REQ_SIZE);
  req[0] = AF_NETLINK;
  req[1] = protocol;
  writeU32LE(req, NDIAG_SHOW_GROUPS, 8);
  return encodeMessage({ type: SOCK_DIAG_BY_FAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, req);
}

/** One reply payload -> socket info. Pure. */
export function decodeNetlinkDiagMessage(payload: Buffer): NetlinkSocketInfo | undefined {
  if (payload.length < NETLINK_DIAG_MSG_SIZE || payload[0] !== AF_NETLINK) return undefined;
  const info: NetlinkSocketInfo = { protocol: payload[2]!, portId: readU32LE(payload, 4), inode: readU32LE(payload, 16), groups: [] };
  for (const attr of decodeAttributes(subarrayOf(payload, NETLINK_DIAG_MSG_SIZE))) {
    if (attr.type !== NETLINK_DIAG_GROUPS) continue;
    for (let byte = 0; byte < attr.data.length; byte++) {
      for (let bit = 0; bit < 8; bit++) if (attr.data[byte]! & (1 << bit)) info.groups.push(byte * 8 + bit + 1);
    }
  }
  return info;
}

/** The netlink sockets of `protocol` in the namespace (ours included), with their groups. */
export async function listNetlinkSockets(protocol: number, options: TransportOptions = {}, trace?: TraceHook): Promise<NetlinkSocketInfo[]> {
  const transport = NetlinkTransport.open(NETLINK_SOCK_DIAG, options);
  try {
    let seq = Math.floor(Date.now() / 1000) >>> 0;
    const operation = 'SOCK_DIAG_BY_FAMILY dump of netlink sockets';
    const replies = await dumpConsistently(transport, () => ({
      message: encodeNetlinkDiagRequest(protocol, (seq = (seq + 1) >>> 0)),
      operation,
      toError: (ack) => {
        const errno = -ack.error;
        const message = ack.message ?? (errno === Errno.ENOENT ? 'no netlink socket diagnostics in this kernel (CONFIG_NETLINK_DIAG)' : undefined);
        const details = { errno, operation, message };
        return errno === Errno.EPERM ? new PermissionError(details) : new KernelError(details);
      },
      trace,
    }));
    // A socket that joined a group is reported twice (once from the port table, once from the
    // group list; seen on 6.18): one entry per inode.
    const sockets = new Map<number, NetlinkSocketInfo>();
    for (const m of replies) {
      const info = m.type === SOCK_DIAG_BY_FAMILY ? decodeNetlinkDiagMessage(m.payload) : undefined;
      if (info && !sockets.has(info.inode)) sockets.set(info.inode, info);
    }
    return [...sockets.values()];
  } finally {
    await transport.close();
  }
}
