/**
 * Netlink sockets of a namespace and the multicast groups they joined (NETLINK_SOCK_DIAG with
 * AF_NETLINK, as `ss -f netlink` reads them). The userspace PM only works while some socket in the
 * namespace listens to `mptcp_pm_events`: this is how `status` tells whether one does.
 * Layouts in families/sock-diag.ts.
 */
import { Errno } from '../errno.js';
import { KernelError, PermissionError } from '../errors.js';
import { dumpConsistently, type TraceHook } from '../netlink/exchange.js';
import { decodeAttributeSet, readStruct } from '../netlink/attrset.js';
import { groupsOf } from '../netlink/describe.js';
import { encodeMessage, NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/message.js';
import { NETLINK_SOCK_DIAG, NetlinkTransport, type TransportOptions } from '../netlink/transport.js';
import { AF_NETLINK } from '../families/address-family.js';
import { NDIAG_SHOW_GROUPS, netlinkDiagMsg, netlinkDiagReq, netlinkDiagSet, SOCK_DIAG_BY_FAMILY } from '../families/sock-diag.js';
import { writeU32LE } from '../util/bytes.js';

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
  const req = Buffer.alloc(netlinkDiagReq.size);
  req[0] = AF_NETLINK;
  req[1] = protocol;
  writeU32LE(req, NDIAG_SHOW_GROUPS, 8);
  return encodeMessage({ type: SOCK_DIAG_BY_FAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, pid: 0 }, req);
}

/** One reply payload -> socket info. Pure. */
export function decodeNetlinkDiagMessage(payload: Buffer): NetlinkSocketInfo | undefined {
  if (payload.length < netlinkDiagMsg.size || payload[0] !== AF_NETLINK) return undefined;
  const h = readStruct(netlinkDiagMsg, payload) as Record<string, number>;
  const groups = decodeAttributeSet(netlinkDiagSet, payload.subarray(netlinkDiagMsg.size)).values.get('groups') as Buffer | undefined;
  return { protocol: h['protocol']!, portId: h['portid']!, inode: h['ino']!, groups: groups ? groupsOf(groups) : [] };
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
