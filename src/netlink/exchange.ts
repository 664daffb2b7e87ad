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
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  type NetlinkMessage,
} from './message.js';
import { RECEIVED_NOTHING, RECEIVED_OVERRUN, type NetlinkTransport } from './transport.js';
import { TimeSlice } from '../util/time-slice.js';
import { copyOf, readI32LE, readU16LE, readU32LE, subarrayOf } from '../util/bytes.js';

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

/** Reads an answer from its place in a datagram (`length` bytes at `offset`, netlink header included). */
export type ReplyReader<R> = (datagram: Buffer, offset: number, length: number) => R;

export interface Exchange<R = NetlinkMessage> {
  /** The complete request message; its sequence number is read from it. */
  message: Buffer;
  /** Used in error messages, e.g. `ADD_ADDR`. */
  operation: string;
  /** Turns an error ACK (or a DONE carrying an error) into the error to throw. */
  toError: (ack: ExtendedAck) => Error;
  trace?: TraceHook | undefined;
  /** Overrides MAX_EXCHANGE_BYTES (tests use a small bound). */
  maxBytes?: number;
  /**
   * How an answer that is data is kept, from its place in the datagram (header included, padding
   * not): by default its header and a view of its payload (decodeMessageAt). A protocol that
   * needs less makes less: each view is a cost of every request.
   */
  readReply?: ReplyReader<R>;
  /**
   * `readReply` keeps nothing of the datagram (it decodes into values of its own), so each
   * datagram is read where it was received, with no copy. Without it, a copy is what the replies'
   * views are made of: the receive buffer is reused by the next receive.
   */
  readsOut?: boolean;
  /**
   * The request asked for no ACK because its answer is a reply (a do with a reply, sent without
   * NLM_F_ACK): the exchange ends with that reply, or with NLMSG_DONE if it comes in parts
   * (NLM_F_MULTI). An error is answered with NLMSG_ERROR as usual.
   */
  endsWithReply?: boolean;
}

export interface ExchangeResult<R = NetlinkMessage> {
  /** The data messages that answered the request, in order. */
  replies: R[];
  /** The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR): it should be run again. */
  interrupted: boolean;
}

/** Sends the request and collects its answers, waiting for them when they are not there yet. */
export async function exchange<R = NetlinkMessage>(transport: NetlinkTransport, ex: Exchange<R>): Promise<ExchangeResult<R>> {
  return exchangeNow(transport, ex);
}

/**
 * The same, without a promise when the answers were all there: the kernel answers most requests
 * within the send, and each await is a good part of a round trip's cost (bench/library.mjs).
 * Returns a promise only when it has to wait (or to give timers a turn in a long dump).
 */
export function exchangeNow<R = NetlinkMessage>(transport: NetlinkTransport, ex: Exchange<R>): ExchangeResult<R> | Promise<ExchangeResult<R>> {
  const answers = new Answers(transport, ex);
  return answers.takeQueued() ?? answers.rest();
}

/** The answers to one request, collected as they come. */
class Answers<R> {
  private readonly seq: number;
  private readonly maxBytes: number;
  private readonly readReply: ReplyReader<R>;
  private readonly replies: R[] = [];
  private interrupted = false;
  private received = 0;
  private datagrams = 0;
  /** Made once an exchange has taken a few datagrams: most take one or two, and reading the clock for each is a measurable part of a round trip. */
  private slice: TimeSlice | undefined;

  constructor(
    private readonly transport: NetlinkTransport,
    private readonly ex: Exchange<R>,
  ) {
    this.seq = readU32LE(ex.message, 8);
    this.maxBytes = ex.maxBytes ?? MAX_EXCHANGE_BYTES;
    this.readReply = ex.readReply ?? (decodeMessageAt as unknown as ReplyReader<R>);
    ex.trace?.('send', ex.message, transport.protocol);
    transport.send(ex.message);
  }

  /**
   * Takes the datagrams queued now: the result once the answers ended, or undefined when the rest
   * is still to come or a long run of datagrams must give timers and signals a turn first. Each
   * is looked at where it was received: a plain ACK, the only answer to most writes, needs no copy.
   */
  takeQueued(): ExchangeResult<R> | undefined {
    const { transport } = this;
    for (;;) {
      if (++this.datagrams % SLICE_CHECK_EVERY === 0 && (this.slice ??= new TimeSlice(SLICE_MS)).due()) return undefined;
      const length = transport.receiveInPlace();
      if (length === RECEIVED_NOTHING) return undefined;
      if (length === RECEIVED_OVERRUN) throw this.overrun();
      if (!this.ex.trace && isAckOf(transport.received, length, this.seq, transport.portId)) return this.result();
      const inPlace = this.ex.readsOut === true && !this.ex.trace;
      if (this.take(inPlace ? transport.received : copyOf(transport.received, length), length)) return this.result();
    }
  }

  /** Waits for the answers still to come. The bound is on silence, not on the whole dump: a large dump may take many datagrams. */
  async rest(): Promise<ExchangeResult<R>> {
    for (;;) {
      if (this.slice?.due()) await this.slice.nextTurn();
      const answer = await this.transport.receive(REPLY_TIMEOUT_MS);
      if (answer.kind === 'timeout') throw new TimeoutError(`no reply from the kernel to ${this.ex.operation} within ${REPLY_TIMEOUT_MS} ms`);
      if (answer.kind === 'overrun') throw this.overrun();
      if (this.take(answer.datagram, answer.datagram.length)) return this.result();
      const done = this.takeQueued();
      if (done) return done;
    }
  }

  /**
   * Takes the `size` bytes of one datagram (a copy the replies may keep views of, or the receive
   * buffer itself when they keep none): true once the answers ended well; an error answer is thrown.
   */
  private take(datagram: Buffer, size: number): boolean {
    const { ex, seq, transport } = this;
    ex.trace?.('receive', datagram, transport.protocol);
    this.received += size;
    if (this.received > this.maxBytes) {
      throw new ProtocolError(`${ex.operation}: more than ${this.maxBytes} bytes of replies without an end (no NLMSG_DONE or ACK): giving up`);
    }
    let end: Ending | undefined;
    forEachMessage(datagram, (offset, length) => {
      // Past the end, another request's late answer, or a multicast message: not ours.
      if (end || readU32LE(datagram, offset + 8) !== seq || readU32LE(datagram, offset + 12) !== transport.portId) return;
      const flags = readU16LE(datagram, offset + 6);
      if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
      const type = readU16LE(datagram, offset + 4);
      if (type === NLMSG_ERROR || type === NLMSG_DONE) end = endingAt(datagram, offset, length, type, flags, ex);
      else if (type !== NLMSG_NOOP && type !== NLMSG_OVERRUN) {
        this.replies.push(this.readReply(datagram, offset, length));
        if (ex.endsWithReply && !(flags & NLM_F_MULTI)) end = SUCCESS;
      }
    }, size);
    if (end !== undefined && end !== SUCCESS) throw end;
    return end === SUCCESS;
  }

  private result(): ExchangeResult<R> {
    return { replies: this.replies, interrupted: this.interrupted };
  }

  private overrun(): ProtocolError {
    return new ProtocolError(`receive buffer overrun while waiting for ${this.ex.operation}`);
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
function endingAt(datagram: Buffer, offset: number, length: number, type: number, flags: number, ex: Exchange<unknown>): Ending {
  // Error 0 (an ACK, a dump's end) needs nothing more read: the common case, and a round trip's.
  if (length >= NLMSG_HDRLEN + 4 && readI32LE(datagram, offset + NLMSG_HDRLEN) === 0) return SUCCESS;
  const payload = subarrayOf(datagram, offset + NLMSG_HDRLEN, offset + length);
  const ack = type === NLMSG_ERROR ? decodeErrorPayload(payload, flags) : decodeDonePayload(payload, flags);
  return ack.error === 0 ? SUCCESS : ex.toError(ack);
}

/** Runs a dump (built afresh by `build` for each sequence number) until it is not interrupted. */
export async function dumpConsistently<R = NetlinkMessage>(
  transport: NetlinkTransport,
  build: () => Exchange<R>,
): Promise<R[]> {
  for (let attempt = 0; ; attempt++) {
    const ex = build();
    const { replies, interrupted } = await exchange(transport, ex);
    if (!interrupted) return replies;
    if (attempt >= DUMP_RETRIES) {
      throw new ProtocolError(`${ex.operation} dump was interrupted by concurrent changes ${DUMP_RETRIES + 1} times`);
    }
  }
}
