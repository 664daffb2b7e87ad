/**
 * The only module that touches native code: a netlink socket driven through libc via koffi.
 * Everything above works on Buffers. Receiving never blocks the event loop beyond a bound:
 * a non-blocking recvfrom first, then poll() on koffi's worker thread in bounded slices.
 * koffi itself comes from koffi-loader.ts (node_modules, or the single binary's embedded copy).
 */
import { readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { Errno, errnoName } from './errno.js';
import { loadKoffi } from './koffi-loader.js';
import { NetnsError, SystemError } from './errors.js';
import { encodeText, readU16LE, readU32LE, subarrayOf, writeI16LE, writeI32LE, writeU16LE, writeU32LE } from '../util/bytes.js';

const AF_NETLINK = 16;
const AF_UNIX = 1;
const SOCK_RAW = 3;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0x800;
const SOCK_CLOEXEC = 0x80000;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const SO_MEMINFO = 55;
const SO_RCVTIMEO = 20;
/** Index of the drop counter (sk_drops) in SO_MEMINFO's u32 array, and the array's length. */
const SK_MEMINFO_DROPS = 8;
const SK_MEMINFO_VARS = 9;
const SOL_NETLINK = 270;
const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
/** sizeof(struct sockaddr_un): the family, then sun_path[108]. */
const SOCKADDR_UN_SIZE = 110;
const POLLIN = 0x1;
const CLONE_NEWNET = 0x40000000;
const O_RDONLY = 0;
const O_NONBLOCK = 0x800;
const O_CLOEXEC = 0x80000;
const SOCKADDR_NL_SIZE = 12;
/** Netlink dumps fill at most 32 KiB per datagram; events and acks are far smaller. */
const RECEIVE_BUFFER_SIZE = 64 * 1024;
/** The longest single wait handed to the worker thread, so close() is never held up for long. */
const POLL_SLICE_MS = 100;

export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
export const NETLINK_GENERIC = 16;

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Buffer, len: number): number;
  getsockname(fd: number, addr: Buffer, len: number[]): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Buffer, len: number[]): number;
  sendto(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrlen: number): number;
  recvfrom(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrlen: Buffer): number;
  poll: ((fds: Buffer, n: number, timeout: number) => number) & {
    async(fds: Buffer, n: number, timeout: number, cb: (err: unknown, result: number) => void): void;
  };
  open(path: string, flags: number): number;
  close(fd: number): number;
  setns(fd: number, nstype: number): number;
  isatty(fd: number): number;
  /** Declared on first use (only tables ask): each declaration is a cost to every start. */
  ioctl(): (fd: number, request: number, arg: Buffer) => number;
  write(fd: number, bytes: Uint8Array, length: number): number;
  errno(): number;
}

let libc: Libc | undefined;
let ioctl: ReturnType<Libc['ioctl']> | undefined;

/**
 * Test seam, never set by production code: counts what this module asks of the kernel, and lets
 * a test refuse to open sockets. Tests compare the counters before and after a call to prove
 * that nothing was opened, sent or entered (e.g. for a rejected command line), and set `guard`
 * so that nothing in-process can reach the real kernel by accident.
 */
export interface TransportProbe {
  /** Calls of NetlinkTransport.open, counted before anything native happens. */
  opens: number;
  /** Messages handed to sendto. */
  sends: number;
  /** setns calls (entering a namespace and coming back are two). */
  setns: number;
  /** Called at every open and every namespace switch before anything native; throwing refuses it. */
  guard: ((what: { protocol?: number; netns?: string }) => void) | undefined;
}

export const transportProbe: TransportProbe = { opens: 0, sends: 0, setns: 0, guard: undefined };

/** Loads koffi and declares the libc functions on first use (never at import time). */
function loadLibc(): Libc {
  if (libc) return libc;
  const koffi = loadKoffi();
  const lib = koffi.load('libc.so.6');
  libc = {
    socket: lib.func('int socket(int, int, int)'),
    bind: lib.func('int bind(int, void *, uint32_t)'),
    getsockname: lib.func('int getsockname(int, void *, _Inout_ uint32_t *)'),
    setsockopt: lib.func('int setsockopt(int, int, int, void *, uint32_t)'),
    getsockopt: lib.func('int getsockopt(int, int, int, void *, _Inout_ uint32_t *)'),
    sendto: lib.func('intptr_t sendto(int, void *, size_t, int, void *, uint32_t)'),
    // addrlen as a plain pointer to 4 bytes: koffi's _Inout_ arrays cost more per call.
    recvfrom: lib.func('intptr_t recvfrom(int, void *, size_t, int, void *, void *)'),
    poll: lib.func('int poll(void *, uint64_t, int)') as Libc['poll'],
    // The namespace files are opened here rather than with node:fs, whose JavaScript would be
    // compiled for these two calls at every start.
    open: lib.func('int open(const char *, int)'),
    close: lib.func('int close(int)'),
    isatty: lib.func('int isatty(int)'),
    ioctl: () => (ioctl ??= lib.func('int ioctl(int, unsigned long, void *)')),
    write: lib.func('intptr_t write(int, void *, size_t)'),
    setns: lib.func('int setns(int, int)'),
    errno: () => koffi.errno(),
  };
  return libc;
}

/** receiveInPlace: no datagram was queued (or one not from the kernel, ignored). */
export const RECEIVED_NOTHING = -1;
/** receiveInPlace: the kernel dropped messages because the receive buffer was full (ENOBUFS). */
export const RECEIVED_OVERRUN = -2;

export type ReceiveResult =
  | { kind: 'data'; datagram: Buffer }
  /** The kernel dropped messages because the receive buffer was full (ENOBUFS). */
  | { kind: 'overrun' }
  | { kind: 'timeout' };

export interface TransportOptions {
  /** Network namespace name (as `ip -n`): the socket is created inside /run/netns/NAME. */
  netns?: string;
  /** SO_RCVBUF(FORCE) in bytes. */
  receiveBufferBytes?: number;
  /**
   * A socket on which receiveHere may wait in the receive itself (every other receive still
   * never waits): for a process that does nothing but read this socket.
   */
  waitingReceives?: boolean;
}

/** A bound netlink socket. Not safe to receive on concurrently from two callers. */
export class NetlinkTransport {
  private closed = false;
  private readonly receiveBuffer = Buffer.allocUnsafeSlow(RECEIVE_BUFFER_SIZE);
  /** struct sockaddr_nl of the last datagram's sender, and its length (socklen_t) for recvfrom. */
  private readonly senderAddress = Buffer.alloc(SOCKADDR_NL_SIZE);
  private readonly senderAddressLength = Buffer.alloc(4);
  private readonly kernelAddress = Buffer.alloc(SOCKADDR_NL_SIZE);
  private pendingPoll: Promise<unknown> | undefined;
  /** struct pollfd for the waits, made on first wait. */
  private pollfd: Buffer | undefined;
  /** SO_RCVTIMEO as last set by receiveHere, in ms (0: never set). */
  private receiveTimeoutMs = 0;

  private constructor(
    private readonly lib: Libc,
    readonly fd: number,
    /** The port id the kernel assigned at bind. */
    readonly portId: number,
    /** The netlink protocol (NETLINK_GENERIC, ...): a trace needs it to read message types. */
    readonly protocol: number,
  ) {
    writeU16LE(this.kernelAddress, AF_NETLINK, 0);
  }

  /** Opens and binds a netlink socket of `protocol`, with extended ACKs on. */
  static open(protocol: number, options: TransportOptions = {}): NetlinkTransport {
    transportProbe.opens++;
    transportProbe.guard?.(options.netns === undefined ? { protocol } : { protocol, netns: options.netns });
    const lib = loadLibc();
    let fd = -1;
    try {
      const blocking = options.waitingReceives ?? false;
      if (options.netns === undefined) fd = createSocket(lib, protocol, blocking);
      else inNetns(lib, options.netns, () => (fd = createSocket(lib, protocol, blocking)));
    } catch (err) {
      // Made inside the namespace but the switch back failed: the socket must not leak.
      if (fd >= 0) lib.close(fd);
      throw err;
    }
    try {
      const local = Buffer.alloc(SOCKADDR_NL_SIZE);
      writeU16LE(local, AF_NETLINK, 0);
      if (lib.bind(fd, local, SOCKADDR_NL_SIZE) < 0) throw new SystemError('bind', lib.errno(), 'netlink socket');
      const len = [SOCKADDR_NL_SIZE];
      if (lib.getsockname(fd, local, len) < 0) throw new SystemError('getsockname', lib.errno());
      const transport = new NetlinkTransport(lib, fd, readU32LE(local, 4), protocol);
      // Extended ACKs carry the kernel's error text; capped ACKs keep error replies small.
      transport.setOption(SOL_NETLINK, NETLINK_EXT_ACK, 1);
      transport.setOption(SOL_NETLINK, NETLINK_CAP_ACK, 1);
      if (options.receiveBufferBytes !== undefined) transport.setReceiveBuffer(options.receiveBufferBytes);
      return transport;
    } catch (err) {
      lib.close(fd);
      throw err;
    }
  }

  /** Joins a multicast group by id. EPERM means CAP_NET_ADMIN is missing. */
  addMembership(group: number): void {
    this.setOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
  }

  /** Sets the receive buffer; as root beyond net.core.rmem_max (SO_RCVBUFFORCE), else up to it. */
  setReceiveBuffer(bytes: number): void {
    const value = Buffer.alloc(4);
    writeI32LE(value, Math.min(bytes, 0x7fffffff), 0);
    if (this.lib.setsockopt(this.fd, SOL_SOCKET, SO_RCVBUFFORCE, value, 4) === 0) return;
    if (this.lib.setsockopt(this.fd, SOL_SOCKET, SO_RCVBUF, value, 4) < 0) {
      throw new SystemError('setsockopt', this.lib.errno(), 'SO_RCVBUF');
    }
  }

  /**
   * Messages the kernel dropped for this socket so far because its receive buffer was full
   * (the socket's drop counter, from SO_MEMINFO); undefined if the kernel does not say.
   * ENOBUFS only tells that something was lost; this tells how much.
   */
  droppedMessages(): number | undefined {
    const info = Buffer.alloc(SK_MEMINFO_VARS * 4);
    const len = [info.length];
    if (this.lib.getsockopt(this.fd, SOL_SOCKET, SO_MEMINFO, info, len) < 0) return undefined;
    return len[0]! >= (SK_MEMINFO_DROPS + 1) * 4 ? readU32LE(info, SK_MEMINFO_DROPS * 4) : undefined;
  }

  /** Sends one message (or several, concatenated) to the kernel. */
  send(message: Buffer): void {
    this.assertOpen();
    transportProbe.sends++;
    const sent = this.lib.sendto(this.fd, message, message.length, 0, this.kernelAddress, SOCKADDR_NL_SIZE);
    if (sent < 0) {
      const errno = this.lib.errno();
      if (errno === Errno.EBADF) this.closed = true; // as in receiveInPlace
      throw new SystemError('sendto', errno, 'netlink');
    }
  }

  /** Takes one datagram if one is queued; never waits. */
  receiveNow(): ReceiveResult {
    const n = this.receiveInPlace();
    if (n === RECEIVED_NOTHING) return { kind: 'timeout' };
    if (n === RECEIVED_OVERRUN) return { kind: 'overrun' };
    // A copy (TypedArray's slice makes a Buffer of a Buffer): the receive buffer is used again.
    return { kind: 'data', datagram: Uint8Array.prototype.slice.call(this.receiveBuffer, 0, n) as Buffer };
  }

  /**
   * Takes one datagram, waiting for it up to `ms` on the calling thread, which does nothing else
   * meanwhile (no timers, no callbacks): one system call per datagram, as a C program makes,
   * instead of a hand-over to koffi's worker thread and back. Only on a socket opened with
   * `waitingReceives` (elsewhere it never waits). A signal ends the wait at once (the receive
   * timeout makes the kernel return EINTR rather than restart it), as a timeout: its handler
   * runs at the caller's next turn of the event loop. The datagram is a view of the receive
   * buffer: valid until the next receive on this socket.
   */
  receiveHere(ms: number): ReceiveResult {
    const wait = Math.ceil(ms);
    if (wait <= 0) return this.receiveNow();
    if (wait !== this.receiveTimeoutMs) {
      // struct timeval; a zero timeout would mean "for ever", which signals could not end.
      const timeval = Buffer.alloc(16);
      writeU32LE(timeval, Math.floor(wait / 1000), 0);
      writeU32LE(timeval, (wait % 1000) * 1000, 8);
      if (this.lib.setsockopt(this.fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) < 0) throw new SystemError('setsockopt', this.lib.errno(), 'SO_RCVTIMEO');
      this.receiveTimeoutMs = wait;
    }
    const n = this.receiveInPlace(0);
    if (n === RECEIVED_NOTHING) return { kind: 'timeout' };
    if (n === RECEIVED_OVERRUN) return { kind: 'overrun' };
    // The caller decodes before it receives again, so it gets a view (no allocation).
    return { kind: 'data', datagram: subarrayOf(this.receiveBuffer, 0, n) };
  }

  /**
   * Takes one datagram and leaves it in {@link received} (its first bytes, until the next receive
   * on this transport): no copy, for a reader that looks at it at once and copies what it keeps
   * (an ACK, a write's only answer, needs nothing kept). Never waits unless `flags` lacks
   * MSG_DONTWAIT on a socket opened for waitingReceives (receiveHere).
   * Returns its length, RECEIVED_NOTHING, or RECEIVED_OVERRUN (ENOBUFS: messages were dropped).
   */
  receiveInPlace(flags = MSG_DONTWAIT): number {
    this.assertOpen();
    writeU32LE(this.senderAddressLength, SOCKADDR_NL_SIZE, 0);
    // MSG_TRUNC: the datagram's whole length is returned even when it did not fit.
    const n = this.lib.recvfrom(this.fd, this.receiveBuffer, RECEIVE_BUFFER_SIZE, MSG_TRUNC | flags, this.senderAddress, this.senderAddressLength);
    if (n < 0) {
      const errno = this.lib.errno();
      if (errno === Errno.EAGAIN || errno === Errno.EINTR) return RECEIVED_NOTHING;
      if (errno === Errno.ENOBUFS) return RECEIVED_OVERRUN;
      // The descriptor was closed under us: it is gone, and its number may already be someone
      // else's, so close() must not close it again.
      if (errno === Errno.EBADF) this.closed = true;
      throw new SystemError('recvfrom', errno, 'netlink');
    }
    if (n > RECEIVE_BUFFER_SIZE) throw new SystemError('recvfrom', Errno.ENOBUFS, `datagram larger than ${RECEIVE_BUFFER_SIZE} bytes`);
    // Only the kernel (port 0) may talk to us; anything else is ignored like a spurious wake-up.
    if (readU32LE(this.senderAddress, 4) !== 0) return RECEIVED_NOTHING;
    return n;
  }

  /** Where {@link receiveInPlace} leaves a datagram; overwritten by the next receive. */
  get received(): Buffer {
    return this.receiveBuffer;
  }

  /**
   * Waits up to `timeoutMs` (at most; -1 = until data or `signal`) for a datagram. The wait runs in
   * bounded poll() slices on a worker thread, so timers and signals keep working meanwhile.
   */
  async receive(timeoutMs: number, signal?: AbortSignal): Promise<ReceiveResult> {
    const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      const result = this.receiveNow();
      if (result.kind !== 'timeout') return result;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return result;
      await this.waitReadable(remaining);
      if (this.closed || signal?.aborted) return { kind: 'timeout' };
    }
  }

  /**
   * Waits up to `ms` (at most one slice) on koffi's worker thread for a datagram, so the event
   * loop runs meanwhile; resolves to whether one is queued (false on timeout).
   */
  waitReadable(ms: number): Promise<boolean> {
    const pollfd = this.pollDescriptor();
    const wait = new Promise<boolean>((resolve) => {
      this.lib.poll.async(pollfd, 1, Math.ceil(Math.min(ms, POLL_SLICE_MS)), (_err, ready) => resolve(ready > 0));
    });
    this.pendingPoll = wait;
    return wait;
  }

  /** struct pollfd for the waits, made on first use, revents cleared. */
  private pollDescriptor(): Buffer {
    if (!this.pollfd) {
      this.pollfd = Buffer.alloc(8);
      writeI32LE(this.pollfd, this.fd, 0);
      writeI16LE(this.pollfd, POLLIN, 4);
    }
    writeI16LE(this.pollfd, 0, 6); // revents
    return this.pollfd;
  }

  /** Closes the socket, after any poll in flight has returned (it is bounded by one slice). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pendingPoll;
    this.lib.close(this.fd);
  }

  /** Closes at once; only for process exit paths where no poll can be in flight. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    this.lib.close(this.fd);
  }

  private setOption(level: number, name: number, value: number, label = `option ${name}`): void {
    const buf = Buffer.alloc(4);
    writeI32LE(buf, value, 0);
    if (this.lib.setsockopt(this.fd, level, name, buf, 4) < 0) {
      throw new SystemError('setsockopt', this.lib.errno(), label);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('netlink socket is closed');
  }
}

function createSocket(lib: Libc, protocol: number, blocking: boolean): number {
  const fd = lib.socket(AF_NETLINK, SOCK_RAW | (blocking ? 0 : SOCK_NONBLOCK) | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw new SystemError('socket', lib.errno(), `AF_NETLINK protocol ${protocol}`);
  return fd;
}

/**
 * Sends one datagram to the AF_UNIX datagram socket at `address`: a path, or an abstract name
 * written with a leading '@' (as NOTIFY_SOCKET gives it). This is how sd_notify(3) talks to a service
 * manager. Throws a SystemError (ENOENT, ECONNREFUSED, EINVAL for a name that does not fit...).
 */
export function sendUnixDatagram(address: string, payload: Uint8Array): void {
  const name = encodeText(address);
  const abstract = address.startsWith('@');
  // A path needs its terminating NUL inside sun_path; an abstract name is counted exactly.
  const length = 2 + name.length + (abstract ? 0 : 1);
  // As sd_notify: an absolute path or an abstract name, non-empty either way.
  if (!/^[/@]./s.test(address) || length > SOCKADDR_UN_SIZE || address.includes('\0')) {
    throw new SystemError('sendto', Errno.EINVAL, `not a socket address: ${JSON.stringify(address)}`);
  }
  const sockaddr = Buffer.alloc(SOCKADDR_UN_SIZE);
  writeU16LE(sockaddr, AF_UNIX, 0);
  sockaddr.set(name, 2);
  if (abstract) sockaddr[2] = 0;
  const lib = loadLibc();
  const fd = lib.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SystemError('socket', lib.errno(), 'AF_UNIX');
  try {
    if (lib.sendto(fd, payload as Buffer, payload.length, MSG_NOSIGNAL, sockaddr, length) < 0) {
      throw new SystemError('sendto', lib.errno(), address);
    }
  } finally {
    lib.close(fd);
  }
}

/** Checks a namespace name the way `ip netns` does, before any path is built from it. */
export function checkNetnsName(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name === '.' || name === '..') return `"${name}" is not a namespace name`;
  if (name.includes('/')) return 'a name cannot contain "/" (give the name from `ip netns list`)';
  if (name.includes('\0')) return 'a name cannot contain a NUL byte';
  if (encodeText(name).length > 255) return 'the name is longer than 255 bytes';
  return undefined;
}

/**
 * Reads a text file from inside /run/netns/NAME (here when `netns` is undefined). Files under
 * /proc/sys/net belong to the network namespace of the thread that opens them, so this is how a
 * per-namespace setting such as net.mptcp.path_manager is read without a helper process.
 */
export function readInNetns(netns: string | undefined, path: string): string {
  if (netns === undefined) return readFileSync(path, 'utf8');
  const lib = loadLibc();
  return inNetns(lib, netns, () => readFileSync(path, 'utf8'));
}

/**
 * Reads every readable file of directory `dir` from inside /run/netns/NAME (here when `netns` is
 * undefined), in one switch: how all net.mptcp.* settings of a namespace are read at once, and
 * the listing itself is the namespace's (newer kernels' settings show up without code changes).
 * Files that cannot be read (write-only, gone meanwhile) are left out.
 */
export function readDirInNetns(netns: string | undefined, dir: string): Map<string, string> {
  const readAll = (): Map<string, string> => {
    const files = new Map<string, string>();
    for (const name of readdirSync(dir).sort()) {
      try {
        files.set(name, readFileSync(`${dir}/${name}`, 'utf8'));
      } catch {
        // Not readable here: such a file has nothing to show.
      }
    }
    return files;
  };
  return netns === undefined ? readAll() : inNetns(loadLibc(), netns, readAll);
}

/**
 * Writes a file from inside /run/netns/NAME (here when `netns` is undefined): how a per-namespace
 * setting under /proc/sys/net is set. A value the kernel refuses is a SystemError (EINVAL...).
 */
export function writeInNetns(netns: string | undefined, path: string, text: string): void {
  const write = (): void => {
    try {
      writeFileSync(path, text);
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).errno;
      throw typeof errno === 'number' ? new SystemError('write', Math.abs(errno), path) : err;
    }
  };
  if (netns === undefined) write();
  else inNetns(loadLibc(), netns, write);
}

/**
 * Runs `fn` with this thread switched into /run/netns/NAME, and switches back afterwards, so
 * only sockets created inside `fn` live in that namespace.
 */
function inNetns<T>(lib: Libc, name: string, fn: () => T): T {
  const problem = checkNetnsName(name);
  if (problem) throw new NetnsError(name, problem);
  transportProbe.guard?.({ netns: name });
  // O_NONBLOCK: a FIFO planted there must not block the open (setns then refuses it).
  const target = lib.open(`/run/netns/${name}`, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (target < 0) {
    const errno = lib.errno();
    throw new NetnsError(name, errno === Errno.ENOENT ? `not found (no /run/netns/${name}; see \`ip netns list\`)` : `cannot open /run/netns/${name} (${errnoName(errno)})`);
  }
  let original = -1;
  try {
    original = lib.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC);
    if (original < 0) throw new SystemError('open', lib.errno(), '/proc/thread-self/ns/net');
    transportProbe.setns++;
    if (lib.setns(target, CLONE_NEWNET) < 0) {
      const errno = lib.errno();
      const needs = errno === Errno.EPERM ? 'entering a network namespace needs CAP_SYS_ADMIN: ' : '';
      throw errno === Errno.EINVAL
        ? new NetnsError(name, `/run/netns/${name} is not a network namespace`)
        : new NetnsError(name, `cannot enter it: ${needs}${new SystemError('setns', errno).message}`);
    }
    try {
      return fn();
    } finally {
      transportProbe.setns++;
      if (lib.setns(original, CLONE_NEWNET) < 0) {
        // Staying in the wrong namespace would silently misdirect everything after: stop here.
        throw new SystemError('setns', lib.errno(), 'returning to the original network namespace');
      }
    }
  } finally {
    lib.close(target);
    if (original >= 0) lib.close(original);
  }
}

/**
 * Whether `fd` is a terminal, as libc's isatty(3). Here rather than through node:tty, which
 * loads node:net with it at every start; libc is loaded for the kernel anyway.
 */
export function isTerminal(fd: number): boolean {
  return loadLibc().isatty(fd) === 1;
}

/** TIOCGWINSZ: struct winsize { u16 rows, cols, xpixel, ypixel } of a terminal. */
const TIOCGWINSZ = 0x5413;

/** The width in columns of the terminal on `fd`, or undefined if it is not one or does not say. */
export function terminalColumns(fd: number): number | undefined {
  const winsize = Buffer.alloc(8);
  if (loadLibc().ioctl()(fd, TIOCGWINSZ, winsize) < 0) return undefined;
  return readU16LE(winsize, 2) || undefined;
}

/**
 * write(2): writes the start of `bytes` to `fd` and returns how many bytes were written; throws
 * a SystemError (EAGAIN, EPIPE, ENOSPC, ...). Through libc once it is loaded for the kernel:
 * node:fs's writeSync is JavaScript that Node compiles on its first call in every process.
 * Before that (help, usage errors) through node:fs: loading koffi only to write would
 * cost far more, and an error must be printable even when koffi cannot be loaded.
 */
export function writeToFd(fd: number, bytes: Uint8Array): number {
  if (!libc) {
    try {
      return writeSync(fd, bytes);
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).errno;
      throw typeof errno === 'number' ? new SystemError('write', Math.abs(errno)) : err;
    }
  }
  const written = libc.write(fd, bytes, bytes.length);
  if (written < 0) throw new SystemError('write', libc.errno());
  return written;
}
