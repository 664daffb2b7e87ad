/**
 * One request/answer exchange on a netlink socket, for any protocol: sends the message, then
 * collects the answers that carry its sequence number until the ACK, the error, or the
 * NLMSG_DONE of a dump. Generic netlink, rtnetlink and sock_diag all use it.
 */
import { ProtocolError, TimeoutError } from './errors.js';
import { decodeDonePayload, decodeErrorPayload, type ExtendedAck } from './extack.js';
import {
  decodeMessages,
  NLM_F_DUMP_INTR,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  type NetlinkMessage,
} from './message.js';
import type { NetlinkTransport } from './transport.js';

/** How long to wait for the kernel's next answer to a request; it normally answers at once. */
export const REPLY_TIMEOUT_MS = 5000;
/** A dump interrupted by a concurrent change is restarted at most this many times. */
export const DUMP_RETRIES = 10;

/** Observer of every datagram that crosses the socket (for --debug traces). */
export type TraceHook = (direction: 'send' | 'receive', datagram: Buffer) => void;

export interface Exchange {
  /** The complete request message; its sequence number is read from it. */
  message: Buffer;
  /** Used in error messages, e.g. `ADD_ADDR`. */
  operation: string;
  /** Turns an error ACK (or a DONE carrying an error) into the error to throw. */
  toError: (ack: ExtendedAck) => Error;
  trace?: TraceHook | undefined;
}

export interface ExchangeResult {
  /** The data messages that answered the request, in order. */
  replies: NetlinkMessage[];
  /** The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR): it should be run again. */
  interrupted: boolean;
}

export async function exchange(transport: NetlinkTransport, ex: Exchange): Promise<ExchangeResult> {
  const seq = ex.message.readUInt32LE(8);
  ex.trace?.('send', ex.message);
  transport.send(ex.message);
  const replies: NetlinkMessage[] = [];
  let interrupted = false;
  for (;;) {
    // The bound is on silence, not on the whole dump: a large dump may take many datagrams.
    const result = await transport.receive(REPLY_TIMEOUT_MS);
    if (result.kind === 'timeout') throw new TimeoutError(`no reply from the kernel to ${ex.operation} within ${REPLY_TIMEOUT_MS} ms`);
    if (result.kind === 'overrun') throw new ProtocolError(`receive buffer overrun while waiting for ${ex.operation}`);
    ex.trace?.('receive', result.datagram);
    for (const msg of decodeMessages(result.datagram)) {
      // Another request's late answer, or a multicast message: not ours.
      if (msg.seq !== seq || msg.pid !== transport.portId) continue;
      if (msg.flags & NLM_F_DUMP_INTR) interrupted = true;
      switch (msg.type) {
        case NLMSG_NOOP:
        case NLMSG_OVERRUN:
          continue;
        case NLMSG_ERROR: {
          const ack = decodeErrorPayload(msg.payload, msg.flags);
          if (ack.error !== 0) throw ex.toError(ack);
          return { replies, interrupted };
        }
        case NLMSG_DONE: {
          const ack = decodeDonePayload(msg.payload, msg.flags);
          if (ack.error !== 0) throw ex.toError(ack);
          return { replies, interrupted };
        }
        default:
          replies.push(msg);
      }
    }
  }
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
