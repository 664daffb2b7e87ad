/**
 * A netlink socket: bound, connected to the kernel, extended ACKs on, datagrams received without
 * blocking the event loop beyond a bound (a non-blocking receive first, then poll() on koffi's
 * worker thread in bounded slices). The system calls themselves are src/sys's; everything above
 * works on Buffers.
 *
 * Only the kernel may talk to us. The socket is connected to the kernel (port 0), so the kernel
 * refuses another process's datagram to our port (ECONNREFUSED, to the sender): a receive needs
 * no sender address, and send and recv take fewer arguments than sendto and recvfrom, which
 * each request pays for (bench/library.mjs). A multicast message is not stopped by that, and a
 * privileged process may send one to a group: once the socket has joined a group, each receive
 * reads the sender's address (recvfrom) and drops what is not the kernel's.
 */
import { Errno } from '../errno.js';
import { SystemError } from '../errors.js';
import { copyOf, readU32LE, subarrayOf, writeU16LE, writeU32LE } from '../util/bytes.js';
import {
  bindSocket,
  closeFd,
  connectSocket,
  lastErrno,
  MSG_DONTWAIT,
  MSG_TRUNC,
  openSocket,
  pollOnWorker,
  readablePollfd,
  readSocketName,
  receive,
  receiveFrom,
  send,
  setIntOption,
  setReceiveBuffer,
  setReceiveTimeout,
  SOCK_RAW,
  socketDrops,
  takeSocketError,
} from '../sys/socket.js';
import { inNetns } from '../sys/netns.js';
import { transportProbe } from '../sys/probe.js';

/** Netlink dumps fill at most 32 KiB per datagram; events and acks are far smaller. */
const RECEIVE_BUFFER_SIZE = 64 * 1024;
/**
 * Messages up to this size are sent from a buffer of the transport's own: a small Buffer made
 * for one request lives in the JavaScript heap, and handing it to a system call first moves its
 * bytes out of the heap (an allocation per request), while copying it here is a few stores.
 */
const SEND_BUFFER_SIZE = 4096;
/** The longest single wait handed to the worker thread, so close() is never held up for long. */
const POLL_SLICE_MS = 100;

export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
export const NETLINK_GENERIC = 16;

/** The socket options of level SOL_NETLINK that are used here. */
const NetlinkOption = { ADD_MEMBERSHIP: 1, CAP_ACK: 10, EXT_ACK: 11 } as const;
const SOL_NETLINK = 270;
/** struct sockaddr_nl: the family (AF_NETLINK), padding, the port id (u32), multicast groups. */
const AF_NETLINK = 16;
const SOCKADDR_NL_SIZE = 12;

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
  /** struct sockaddr_nl of the last datagram's sender, and its length (socklen_t), once the socket has joined a group. */
  private senderAddress: Buffer | undefined;
  private readonly senderAddressLength = Buffer.alloc(4);
  /** Where small messages are sent from (SEND_BUFFER_SIZE), made on first send. */
  private sendBuffer: Buffer | undefined;
  private pendingPoll: Promise<unknown> | undefined;
  /** struct pollfd for the waits, made on first wait. */
  private pollfd: Buffer | undefined;
  /** SO_RCVTIMEO as last set by receiveHere, in ms (0: never set). */
  private receiveTimeoutMs = 0;

  private constructor(
    readonly fd: number,
    /** The port id the kernel assigned at bind. */
    readonly portId: number,
    /** The netlink protocol (NETLINK_GENERIC, ...): a trace needs it to read message types. */
    readonly protocol: number,
  ) {}

  /** Opens and binds a netlink socket of `protocol`, with extended ACKs on. */
  static open(protocol: number, options: TransportOptions = {}): NetlinkTransport {
    transportProbe.opens++;
    transportProbe.guard?.(options.netns === undefined ? { protocol } : { protocol, netns: options.netns });
    let fd = -1;
    try {
      const blocking = options.waitingReceives ?? false;
      if (options.netns === undefined) fd = createSocket(protocol, blocking);
      else inNetns(options.netns, () => (fd = createSocket(protocol, blocking)));
    } catch (err) {
      // Made inside the namespace but the switch back failed: the socket must not leak.
      if (fd >= 0) closeFd(fd);
      throw err;
    }
    try {
      const local = Buffer.alloc(SOCKADDR_NL_SIZE);
      writeU16LE(local, AF_NETLINK, 0);
      bindSocket(fd, local, 'netlink socket');
      readSocketName(fd, local);
      const portId = readU32LE(local, 4);
      const kernel = Buffer.alloc(SOCKADDR_NL_SIZE);
      writeU16LE(kernel, AF_NETLINK, 0);
      connectSocket(fd, kernel, 'netlink socket');
      const transport = new NetlinkTransport(fd, portId, protocol);
      // Extended ACKs carry the kernel's error text; capped ACKs keep error replies small.
      transport.setOption(SOL_NETLINK, NetlinkOption.EXT_ACK, 1);
      transport.setOption(SOL_NETLINK, NetlinkOption.CAP_ACK, 1);
      if (options.receiveBufferBytes !== undefined) transport.setReceiveBuffer(options.receiveBufferBytes);
      return transport;
    } catch (err) {
      closeFd(fd);
      throw err;
    }
  }

  /** Joins a multicast group by id. EPERM means CAP_NET_ADMIN is missing. */
  addMembership(group: number): void {
    this.setOption(SOL_NETLINK, NetlinkOption.ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
    // From now on a datagram may come from another process (see the top of this file).
    this.senderAddress ??= Buffer.alloc(SOCKADDR_NL_SIZE);
  }

  /** Sets the receive buffer; as root beyond net.core.rmem_max (SO_RCVBUFFORCE), else up to it. */
  setReceiveBuffer(bytes: number): void {
    setReceiveBuffer(this.fd, bytes);
  }

  /**
   * Messages the kernel dropped for this socket so far because its receive buffer was full
   * (the socket's drop counter, from SO_MEMINFO); undefined if the kernel does not say.
   * ENOBUFS only tells that something was lost; this tells how much.
   */
  droppedMessages(): number | undefined {
    return socketDrops(this.fd);
  }

  /** Whether an ENOBUFS was pending (the next receive would have reported it), taking it. */
  takeOverrun(): boolean {
    return takeSocketError(this.fd) === Errno.ENOBUFS;
  }

  /** Sends one message (or several, concatenated) to the kernel. */
  send(message: Buffer): void {
    this.assertOpen();
    transportProbe.sends++;
    let bytes = message;
    if (message.length <= SEND_BUFFER_SIZE) {
      bytes = this.sendBuffer ??= Buffer.allocUnsafeSlow(SEND_BUFFER_SIZE);
      bytes.set(message, 0);
    }
    const sent = send(this.fd, bytes, message.length, 0);
    if (sent < 0) {
      const errno = lastErrno();
      if (errno === Errno.EBADF) this.closed = true; // as in receiveInPlace
      throw new SystemError('send', errno, 'netlink');
    }
  }

  /** Takes one datagram if one is queued; never waits. */
  receiveNow(): ReceiveResult {
    const n = this.receiveInPlace();
    if (n === RECEIVED_NOTHING) return { kind: 'timeout' };
    if (n === RECEIVED_OVERRUN) return { kind: 'overrun' };
    // A copy: the receive buffer is used again.
    return { kind: 'data', datagram: copyOf(this.receiveBuffer, n) };
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
      setReceiveTimeout(this.fd, wait);
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
    const sender = this.senderAddress;
    // MSG_TRUNC: the datagram's whole length is returned even when it did not fit.
    let n: number;
    if (sender === undefined) n = receive(this.fd, this.receiveBuffer, RECEIVE_BUFFER_SIZE, MSG_TRUNC | flags);
    else {
      writeU32LE(this.senderAddressLength, SOCKADDR_NL_SIZE, 0);
      n = receiveFrom(this.fd, this.receiveBuffer, RECEIVE_BUFFER_SIZE, MSG_TRUNC | flags, sender, this.senderAddressLength);
    }
    if (n < 0) {
      const errno = lastErrno();
      if (errno === Errno.EAGAIN || errno === Errno.EINTR) return RECEIVED_NOTHING;
      if (errno === Errno.ENOBUFS) return RECEIVED_OVERRUN;
      // The descriptor was closed under us: it is gone, and its number may already be someone
      // else's, so close() must not close it again.
      if (errno === Errno.EBADF) this.closed = true;
      throw new SystemError(sender === undefined ? 'recv' : 'recvfrom', errno, 'netlink');
    }
    if (n > RECEIVE_BUFFER_SIZE) throw new SystemError('recv', Errno.ENOBUFS, `datagram larger than ${RECEIVE_BUFFER_SIZE} bytes`);
    // Only the kernel (port 0) may talk to us; anything else is ignored like a spurious wake-up.
    if (sender !== undefined && readU32LE(sender, 4) !== 0) return RECEIVED_NOTHING;
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
    this.pollfd ??= readablePollfd(this.fd);
    const wait = pollOnWorker(this.pollfd, Math.ceil(Math.min(ms, POLL_SLICE_MS)));
    this.pendingPoll = wait;
    return wait;
  }

  /** Closes the socket, after any poll in flight has returned (it is bounded by one slice). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pendingPoll;
    closeFd(this.fd);
  }

  /** Closes at once; only for process exit paths where no poll can be in flight. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    closeFd(this.fd);
  }

  private setOption(level: number, name: number, value: number, label = `option ${name}`): void {
    setIntOption(this.fd, level, name, value, label);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('netlink socket is closed');
  }
}

function createSocket(protocol: number, blocking: boolean): number {
  return openSocket(AF_NETLINK, SOCK_RAW, protocol, `AF_NETLINK protocol ${protocol}`, { nonBlocking: !blocking });
}
