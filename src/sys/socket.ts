/**
 * Socket system calls, on file descriptors and Buffers. Setting a socket up throws a SystemError;
 * the calls of every message (sendTo, receiveFrom) return libc's result as it is, -1 with
 * {@link lastErrno} on failure, so that a caller's everyday outcome (nothing queued) is no throw.
 */
import { SystemError } from '../errors.js';
import { loadLibc } from './libc.js';
import { readU32LE, writeI16LE, writeI32LE, writeU32LE } from '../util/bytes.js';

export const AF_UNIX = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0x800;
const SOCK_CLOEXEC = 0x80000;

/** The errno of the last failed call on this thread. */
export function lastErrno(): number {
  return loadLibc().errno();
}

/**
 * socket(2), close-on-exec (no child process inherits it); `what` names the socket in the error
 * (e.g. `AF_UNIX`). A non-blocking socket's receives never wait.
 */
export function openSocket(domain: number, type: number, protocol: number, what: string, { nonBlocking = false } = {}): number {
  const lib = loadLibc();
  const fd = lib.socket(domain, type | (nonBlocking ? SOCK_NONBLOCK : 0) | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw new SystemError('socket', lib.errno(), what);
  return fd;
}

/** bind(2) to the address in `address`. */
export function bindSocket(fd: number, address: Buffer, what: string): void {
  const lib = loadLibc();
  if (lib.bind(fd, address, address.length) < 0) throw new SystemError('bind', lib.errno(), what);
}

/** connect(2) to the address in `address`: the socket's only peer from then on. */
export function connectSocket(fd: number, address: Buffer, what: string): void {
  const lib = loadLibc();
  if (lib.connect(fd, address, address.length) < 0) throw new SystemError('connect', lib.errno(), what);
}

/** getsockname(2): fills `address` with the socket's own address. */
export function readSocketName(fd: number, address: Buffer): void {
  const lib = loadLibc();
  if (lib.getsockname(fd, address, [address.length]) < 0) throw new SystemError('getsockname', lib.errno());
}

const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVTIMEO = 20;
const SO_RCVBUFFORCE = 33;

/** setsockopt(2); false (with {@link lastErrno}) if refused, for a caller that has a fallback. */
function trySocketOption(fd: number, level: number, name: number, value: Buffer): boolean {
  return loadLibc().setsockopt(fd, level, name, value, value.length) === 0;
}

/** setsockopt(2); a refusal is a SystemError naming `label`. */
function setSocketOption(fd: number, level: number, name: number, value: Buffer, label: string): void {
  if (!trySocketOption(fd, level, name, value)) throw new SystemError('setsockopt', lastErrno(), label);
}

/** A socket option's value as setsockopt takes an int. */
function intOption(value: number): Buffer {
  const buf = Buffer.alloc(4);
  writeI32LE(buf, value, 0);
  return buf;
}

/** setsockopt(2) of an int option; a refusal is a SystemError naming `label`. */
export function setIntOption(fd: number, level: number, name: number, value: number, label: string): void {
  setSocketOption(fd, level, name, intOption(value), label);
}

/** Sets the receive buffer; as root beyond net.core.rmem_max (SO_RCVBUFFORCE), else up to it. */
export function setReceiveBuffer(fd: number, bytes: number): void {
  const value = intOption(Math.min(bytes, 0x7fffffff));
  if (trySocketOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, value)) return;
  setSocketOption(fd, SOL_SOCKET, SO_RCVBUF, value, 'SO_RCVBUF');
}

/**
 * SO_RCVTIMEO: how long a blocking receive waits, in whole ms. Never 0, which would mean "for
 * ever": a wait that signals could not end.
 */
export function setReceiveTimeout(fd: number, ms: number): void {
  // struct timeval { tv_sec, tv_usec } of 64-bit longs; both fit in their low 32 bits.
  const timeval = Buffer.alloc(16);
  writeU32LE(timeval, Math.floor(ms / 1000), 0);
  writeU32LE(timeval, (ms % 1000) * 1000, 8);
  setSocketOption(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 'SO_RCVTIMEO');
}

const SO_ERROR = 4;

/**
 * The socket's pending error (SO_ERROR), taken: the kernel clears it as it reports it, as a
 * receive would have. 0 when there is none (or the kernel does not say).
 */
export function takeSocketError(fd: number): number {
  const value = Buffer.alloc(4);
  if (loadLibc().getsockopt(fd, SOL_SOCKET, SO_ERROR, value, [4]) < 0) return 0;
  return readU32LE(value, 0);
}

const SO_MEMINFO = 55;
/** Index of the drop counter (sk_drops) in SO_MEMINFO's u32 array, and the array's length. */
const SK_MEMINFO_DROPS = 8;
const SK_MEMINFO_VARS = 9;

/**
 * Messages the kernel dropped for socket `fd` so far because its receive buffer was full (the
 * socket's drop counter, from SO_MEMINFO); undefined if the kernel does not say.
 */
export function socketDrops(fd: number): number | undefined {
  const info = Buffer.alloc(SK_MEMINFO_VARS * 4);
  const len = [info.length];
  if (loadLibc().getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, len) < 0) return undefined;
  return len[0]! >= (SK_MEMINFO_DROPS + 1) * 4 ? readU32LE(info, SK_MEMINFO_DROPS * 4) : undefined;
}

export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;

/** sendto(2) of all of `bytes`: the count sent, or -1 (see {@link lastErrno}). */
export function sendTo(fd: number, bytes: Buffer, flags: number, address: Buffer, addressLength: number): number {
  return loadLibc().sendto()(fd, bytes, bytes.length, flags, address, addressLength);
}

/** send(2) of the first `length` bytes of `bytes` to the connected peer: the count sent, or -1 (see {@link lastErrno}). */
export function send(fd: number, bytes: Buffer, length: number, flags: number): number {
  return loadLibc().send(fd, bytes, length, flags);
}

/** recv(2) into the first `length` bytes of `buffer`: the count (with MSG_TRUNC the datagram's whole length), or -1 (see {@link lastErrno}). */
export function receive(fd: number, buffer: Buffer, length: number, flags: number): number {
  return loadLibc().recv(fd, buffer, length, flags);
}

/**
 * recvfrom(2) into the first `length` bytes of `buffer`, the sender's address into `sender` and
 * its length (a u32 that holds the room on entry) into `senderLength`: the count (with MSG_TRUNC
 * the datagram's whole length), or -1 (see {@link lastErrno}).
 */
export function receiveFrom(fd: number, buffer: Buffer, length: number, flags: number, sender: Buffer, senderLength: Buffer): number {
  return loadLibc().recvfrom()(fd, buffer, length, flags, sender, senderLength);
}

const POLLIN = 0x1;

/** A struct pollfd that waits for `fd` to be readable. */
export function readablePollfd(fd: number): Buffer {
  const pollfd = Buffer.alloc(8);
  writeI32LE(pollfd, fd, 0);
  writeI16LE(pollfd, POLLIN, 4);
  return pollfd;
}

/**
 * poll(2) on `pollfd` for up to `ms` on koffi's worker thread, so the event loop runs meanwhile;
 * resolves to whether the descriptor is ready (false on timeout).
 */
export function pollOnWorker(pollfd: Buffer, ms: number): Promise<boolean> {
  writeI16LE(pollfd, 0, 6); // revents
  const lib = loadLibc();
  return new Promise<boolean>((resolve) => {
    lib.poll.async(pollfd, 1, ms, (_err, ready) => resolve(ready > 0));
  });
}

/** close(2). */
export function closeFd(fd: number): void {
  loadLibc().close(fd);
}
