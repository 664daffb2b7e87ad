/**
 * One request/answer exchange on a netlink socket, for any protocol: sends the message, then
 * collects the answers that carry its sequence number until the ACK, the error, or the
 * NLMSG_DONE of a dump. Generic netlink, rtnetlink and sock_diag all use it.
 */
import { ProtocolError, TimeoutError } from '../errors.js';
import { decodeDonePayload, decodeErrorPayload, type ExtendedAck } from './extack.js';
import {
  decodeMessageAt,
  forEachMessage,
  NLM_F_DUMP_INTR,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  type NetlinkMessage,
} from './message.js';
import { RECEIVED_OVERRUN, type NetlinkTransport, type ReceiveResult } from './transport.js';
import { TimeSlice } from '../util/time-slice.js';
import { readI32LE, readU16LE, readU32LE, subarrayOf } from '../util/bytes.js';

/** How long to wait for the kernel's next answer to a request; it normally answers at once. */
export const REPLY_TIMEOUT_MS = 5000;
/** A dump interrupted by a concurrent change is restarted at most this many times. */
export const DUMP_RETRIES = 10;
/**
 * The most bytes one exchange may receive. A dump ends with NLMSG_DONE; one that never does
 * (corrupt or hostile replies, or someone else's traffic that keeps coming) must not hold on to
 * memory without end. 512 MiB is well above the largest real dump (about a million sockets in a
 * sock_diag dump with mptcp_info).
 */
export const MAX_EXCHANGE_BYTES = 512 * 1024 * 1024;
/**
 * Longest stretch of back-to-back receiving before timers and signal handlers get a turn: while
 * the kernel has the next part ready, a receive never waits, so a long dump would otherwise run
 * on microtasks alone and hold off SIGINT/SIGTERM until it ends.
 */
const SLICE_MS = 20;
/** The clock is read every this many datagrams (each at most 32 KiB of a dump: well under a slice). */
const SLICE_CHECK_EVERY = 8;

/**
 * Observer of every datagram that crosses the socket (for --debug traces). `protocol` is the
 * socket's netlink protocol: message types mean different things in each (20 is RTM_NEWADDR in
 * rtnetlink and SOCK_DIAG_BY_FAMILY in sock_diag).
 */
export type TraceHook = (direction: 'send' | 'receive', datagram: Buffer, protocol: number) => void;

export interface Exchange {
  /** The complete request message; its sequence number is read from it. */
  message: Buffer;
  /** Used in error messages, e.g. `ADD_ADDR`. */
  operation: string;
  /** Turns an error ACK (or a DONE carrying an error) into the error to throw. */
  toError: (ack: ExtendedAck) => Error;
  trace?: TraceHook | undefined;
  /** Overrides MAX_EXCHANGE_BYTES (tests use a small bound). */
  maxBytes?: number;
}

export interface ExchangeResult {
  /** The data messages that answered the request, in order. */
  replies: NetlinkMessage[];
  /** The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR): it should be run again. */
  interrupted: boolean;
}

export async function exchange(transport: NetlinkTransport, ex: Exchange): Promise<ExchangeResult> {
  const seq = readU32LE(ex.message, 8);
  ex.trace?.('send', ex.message, transport.protocol);
  transport.send(ex.message);
  const replies: NetlinkMessage[] = [];
  let interrupted = false;
  const maxBytes = ex.maxBytes ?? MAX_EXCHANGE_BYTES;
  let received = 0;
  // Made once an exchange has taken a few datagrams: most take one or two, and reading the clock
  // for each is a measurable part of a round trip (bench/library.mjs).
  let slice: TimeSlice | undefined;
  for (let datagrams = 1; ; datagrams++) {
    if (datagrams % SLICE_CHECK_EVERY === 0 && (slice ??= new TimeSlice(SLICE_MS)).due()) await slice.nextTurn();
    // The kernel mostly answers within the send itself, so try without waiting first (an await
    // per datagram is a good part of a round trip's cost: bench/library.mjs), and look at the
    // answer where it was received: a plain ACK, the only answer to most writes, needs no copy.
    // The bound is on silence, not on the whole dump: a large dump may take many datagrams.
    let result: ReceiveResult;
    const length = transport.receiveInPlace();
    if (length >= 0) {
      if (!ex.trace && isAckOf(transport.received, length, seq, transport.portId)) return { replies, interrupted };
      result = { kind: 'data', datagram: Uint8Array.prototype.slice.call(transport.received, 0, length) as Buffer };
    } else {
      result = length === RECEIVED_OVERRUN ? { kind: 'overrun' } : await transport.receive(REPLY_TIMEOUT_MS);
    }
    if (result.kind === 'timeout') throw new TimeoutError(`no reply from the kernel to ${ex.operation} within ${REPLY_TIMEOUT_MS} ms`);
    if (result.kind === 'overrun') throw new ProtocolError(`receive buffer overrun while waiting for ${ex.operation}`);
    const datagram = result.datagram;
    ex.trace?.('receive', datagram, transport.protocol);
    received += datagram.length;
    if (received > maxBytes) {
      throw new ProtocolError(`${ex.operation}: more than ${maxBytes} bytes of replies without an end (no NLMSG_DONE or ACK): giving up`);
    }
    let end: Ending | undefined;
    forEachMessage(datagram, (offset, length) => {
      // Past the end, another request's late answer, or a multicast message: not ours.
      if (end || readU32LE(datagram, offset + 8) !== seq || readU32LE(datagram, offset + 12) !== transport.portId) return;
      const flags = readU16LE(datagram, offset + 6);
      if (flags & NLM_F_DUMP_INTR) interrupted = true;
      const type = readU16LE(datagram, offset + 4);
      if (type === NLMSG_ERROR || type === NLMSG_DONE) end = endingAt(datagram, offset, length, type, flags, ex);
      else if (type !== NLMSG_NOOP && type !== NLMSG_OVERRUN) replies.push(decodeMessageAt(datagram, offset, length));
    });
    if (end === SUCCESS) return { replies, interrupted };
    if (end) throw end;
  }
}

/**
 * Whether the `length` bytes of `datagram` are exactly one ACK (NLMSG_ERROR with error 0) of
 * request `seq` to `portId`: the whole answer to a write. Anything else goes the general way.
 */
function isAckOf(datagram: Buffer, length: number, seq: number, portId: number): boolean {
  return (
    length >= NLMSG_HDRLEN + 4 &&
    readU32LE(datagram, 0) === length &&
    readU16LE(datagram, 4) === NLMSG_ERROR &&
    readU32LE(datagram, 8) === seq &&
    readU32LE(datagram, 12) === portId &&
    readI32LE(datagram, NLMSG_HDRLEN) === 0
  );
}

/** How the exchange ended: an ACK or DONE without error, or the error to throw. */
type Ending = typeof SUCCESS | Error;
const SUCCESS = 'success';

/** The ending an NLMSG_ERROR or NLMSG_DONE at `offset` says. */
function endingAt(datagram: Buffer, offset: number, length: number, type: number, flags: number, ex: Exchange): Ending {
  // Error 0 (an ACK, a dump's end) needs nothing more read: the common case, and a round trip's.
  if (length >= NLMSG_HDRLEN + 4 && readI32LE(datagram, offset + NLMSG_HDRLEN) === 0) return SUCCESS;
  const payload = subarrayOf(datagram, offset + NLMSG_HDRLEN, offset + length);
  const ack = type === NLMSG_ERROR ? decodeErrorPayload(payload, flags) : decodeDonePayload(payload, flags);
  return ack.error === 0 ? SUCCESS : ex.toError(ack);
}

/** Runs a dump (built afresh by `build` for each sequence number) until it is not interrupted. */
export async function dumpConsistently(
  transport: NetlinkTransport,
  build: () => Exchange,
): Promise<NetlinkMessage[]> {
  for (let attempt = 0; ; attempt++) {
    const ex = build();
    const { replies, interrupted } = await exchange(transport, ex);
    if (!interrupted) return replies;
    if (attempt >= DUMP_RETRIES) {
      throw new ProtocolError(`${ex.operation} dump was interrupted by concurrent changes ${DUMP_RETRIES + 1} times`);
    }
  }
}
