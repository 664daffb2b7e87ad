/**
 * inet_diag filter bytecode (INET_DIAG_REQ_BYTECODE, include/uapi/linux/inet_diag.h), the
 * program `ss` sends so that the kernel returns only the sockets asked for. Pure.
 *
 *   struct inet_diag_bc_op   { u8 code; u8 yes; u16 no; }                      4 bytes
 *   struct inet_diag_hostcond { u8 family; u8 prefix_len; int port; be32 addr[]; } 8 bytes + address
 *
 * The kernel runs the ops from the start: `yes` and `no` are byte offsets to jump forward by.
 * Reaching exactly the end accepts the socket, jumping past it rejects it. Conditions here are
 * and-ed: each one jumps to the next when it holds (yes = its own length) and past the end when
 * not (no = what is left + 4).
 */
import { AF_INET, AF_INET6 } from '../families/mptcp-pm.js';
import { parseInet } from '../util/inet.js';
import { writeU16LE, writeU32LE } from '../util/bytes.js';

const BC_S_COND = 7;
const BC_D_COND = 8;
const BC_DEV_COND = 9;
const AF_UNSPEC = 0;

/** One end of a socket to match: address (canonical text) and/or port. */
export interface HostCondition {
  address?: string;
  port?: number;
}

/** What the kernel can select by; every condition given must hold. */
export interface SocketFilter {
  src?: HostCondition;
  dst?: HostCondition;
  /** Bound device index (the socket's idiag_if). */
  ifindex?: number;
}

function hostcond(code: number, cond: HostCondition): Buffer {
  const inet = cond.address === undefined ? undefined : parseInet(cond.address);
  if (cond.address !== undefined && !inet) throw new RangeError(`not a canonical address: ${cond.address}`);
  const addr = inet?.bytes ?? new Uint8Array(0);
  const op = Buffer.alloc(4 + 8 + addr.length);
  op[0] = code;
  op[4] = inet ? (inet.family === 4 ? AF_INET : AF_INET6) : AF_UNSPEC;
  op[5] = addr.length * 8;
  // port -1: any port.
  writeU32LE(op, (cond.port ?? -1) >>> 0, 8);
  op.set(addr, 12);
  return op;
}

function devcond(ifindex: number): Buffer {
  const op = Buffer.alloc(8);
  op[0] = BC_DEV_COND;
  writeU32LE(op, ifindex >>> 0, 4);
  return op;
}

/** The bytecode for `filter`, or undefined when it selects nothing (every socket). */
export function encodeFilterBytecode(filter: SocketFilter): Buffer | undefined {
  const ops: Buffer[] = [];
  if (filter.src && (filter.src.address !== undefined || filter.src.port !== undefined)) ops.push(hostcond(BC_S_COND, filter.src));
  if (filter.dst && (filter.dst.address !== undefined || filter.dst.port !== undefined)) ops.push(hostcond(BC_D_COND, filter.dst));
  if (filter.ifindex !== undefined) ops.push(devcond(filter.ifindex));
  if (ops.length === 0) return undefined;
  let left = ops.reduce((n, op) => n + op.length, 0);
  for (const op of ops) {
    op[1] = op.length;
    writeU16LE(op, left + 4, 2);
    left -= op.length;
  }
  return Buffer.concat(ops);
}
