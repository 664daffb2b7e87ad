/**
 * inet_diag filter bytecode (INET_DIAG_REQ_BYTECODE, include/uapi/linux/inet_diag.h), the
 * program `ss` sends so that the kernel returns only the sockets asked for (its ops and structs
 * are in families/sock-diag.ts). Pure.
 *
 * The kernel runs the ops from the start: `yes` and `no` are byte offsets to jump forward by.
 * Reaching exactly the end accepts the socket, jumping past it rejects it. Conditions here are
 * and-ed: each one jumps to the next when it holds (yes = its own length) and past the end when
 * not (no = what is left + 4).
 */
import { AF_INET, AF_INET6, AF_UNSPEC } from '../families/address-family.js';
import { BytecodeOp, inetDiagBcOp, inetDiagHostcond } from '../families/sock-diag.js';
import { parseInet } from '../util/inet.js';
import { writeU16LE, writeU32LE } from '../util/bytes.js';

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
  const at = inetDiagBcOp.size;
  const op = Buffer.alloc(at + inetDiagHostcond.size + addr.length);
  op[0] = code;
  op[at] = inet ? (inet.family === 4 ? AF_INET : AF_INET6) : AF_UNSPEC;
  op[at + 1] = addr.length * 8;
  // port -1: any port.
  writeU32LE(op, (cond.port ?? -1) >>> 0, at + 4);
  op.set(addr, at + inetDiagHostcond.size);
  return op;
}

function devcond(ifindex: number): Buffer {
  const op = Buffer.alloc(inetDiagBcOp.size + 4);
  op[0] = BytecodeOp.DEV_COND;
  writeU32LE(op, ifindex >>> 0, inetDiagBcOp.size);
  return op;
}

/** The bytecode for `filter`, or undefined when it selects nothing (every socket). */
export function encodeFilterBytecode(filter: SocketFilter): Buffer | undefined {
  const ops: Buffer[] = [];
  if (filter.src && (filter.src.address !== undefined || filter.src.port !== undefined)) ops.push(hostcond(BytecodeOp.S_COND, filter.src));
  if (filter.dst && (filter.dst.address !== undefined || filter.dst.port !== undefined)) ops.push(hostcond(BytecodeOp.D_COND, filter.dst));
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
