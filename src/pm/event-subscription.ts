/**
 * A socket subscribed to the path-manager events group: opened, the family resolved on it and
 * the group joined in one step, so the kernel queues every event from then on, whatever the
 * caller does before reading them (`monitor` subscribes before loading its command-line parser
 * and renderers). Two ways to read: `takeQueued` drains what is queued without waiting and
 * `waitOnWorker` waits on koffi's worker thread, so the event loop stays free (the library's
 * iterator); or `receiveHere` waits in the receive itself on the calling thread, one system call
 * per datagram (a process that does nothing else: the CLI's monitor).
 */
import { GenericNetlink, type FamilyInfo, type TraceHook } from '../netlink/genl.js';
import type { TransportOptions } from '../netlink/transport.js';
import { PermissionError, SystemError } from '../errors.js';
import { Errno } from '../errno.js';
import { decodeEventDatagram } from '../mptcp/codec.js';
import type { MptcpEvent } from '../mptcp/records.js';
import { EVENTS_GROUP, FAMILY_NAME } from '../families/mptcp-pm.js';

/** Default event-socket buffer: large enough for bursts of thousands of connections. */
export const DEFAULT_EVENT_BUFFER_BYTES = 4 * 1024 * 1024;

/** Events the kernel could not deliver (see SubscribeOptions.onOverrun). */
export interface EventLoss {
  /** The socket reported ENOBUFS: a new overrun. */
  overrun: boolean;
  /** Events dropped since the previous report, from the socket's drop counter; undefined if unknown. */
  lost: number | undefined;
}

export interface SubscribeOptions {
  /** Network namespace name, as `ip -n NAME`. Default: the current one. */
  netns?: string;
  /** Receive buffer of the event socket in bytes (default 4 MiB). */
  receiveBufferBytes?: number;
  /** The family as already resolved in this namespace (saves one request); else resolved on the new socket. */
  family?: FamilyInfo;
  /** Observer of the netlink messages (the family request), for tracing. */
  trace?: TraceHook;
  /** Allows receiveHere, which waits on the calling thread (see there). */
  waitHere?: boolean;
}

/** How many datagrams one takeQueued reads at most, so a busy socket still lets its caller breathe. */
const DRAIN_LIMIT = 256;

export class EventSubscription {
  private dropped = 0;
  private closed = false;

  private constructor(
    private readonly genl: GenericNetlink,
    /** The family as the running kernel describes it. */
    readonly family: FamilyInfo,
  ) {}

  /** Opens a socket, resolves `mptcp_pm` on it (unless given) and joins the events group (needs CAP_NET_ADMIN). */
  static async open(options: SubscribeOptions = {}): Promise<EventSubscription> {
    const genl = GenericNetlink.open({
      ...(options.netns === undefined ? {} : { netns: options.netns }),
      receiveBufferBytes: options.receiveBufferBytes ?? DEFAULT_EVENT_BUFFER_BYTES,
      waitingReceives: options.waitHere ?? false,
    } satisfies TransportOptions);
    genl.trace = options.trace;
    try {
      const family = options.family ?? (await genl.family(FAMILY_NAME));
      try {
        genl.joinGroup(family, EVENTS_GROUP, 'path-manager events need Linux >= 5.12');
      } catch (err) {
        // The group is CAP_NET_ADMIN-only: say that, not just "setsockopt failed".
        if (err instanceof SystemError && err.errno === Errno.EPERM) {
          throw new PermissionError({ errno: err.errno, operation: `joining ${EVENTS_GROUP}` });
        }
        throw err;
      }
      return new EventSubscription(genl, family);
    } catch (err) {
      await genl.close();
      throw err;
    }
  }

  /** Changes the receive buffer (bytes); events already queued stay. */
  setReceiveBuffer(bytes: number): void {
    this.genl.transport.setReceiveBuffer(bytes);
  }

  /**
   * The events of the datagrams queued now, in order, without waiting (empty when none is).
   * An overrun (ENOBUFS) is reported to `onOverrun` where it happened in the stream.
   */
  takeQueued(onOverrun?: (loss: EventLoss) => void): MptcpEvent[] {
    let events: MptcpEvent[] = [];
    const transport = this.genl.transport;
    for (let n = 0; n < DRAIN_LIMIT && !this.closed; n++) {
      const result = transport.receiveNow();
      if (result.kind === 'timeout') break;
      if (result.kind === 'overrun') {
        this.reportDrops(true, onOverrun);
        continue;
      }
      const decoded = decodeEventDatagram(result.datagram, this.family.id);
      events = events.length === 0 ? decoded : events.concat(decoded);
    }
    return events;
  }

  /**
   * Waits up to `ms` for a datagram on koffi's worker thread, so the event loop runs meanwhile
   * (in slices: an abort or close() is noticed within one). True once a datagram is queued.
   */
  async waitOnWorker(ms: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      const remaining = deadline - Date.now();
      if (this.closed || signal?.aborted || remaining <= 0) return false;
      if (await this.genl.transport.waitReadable(remaining)) return true;
    }
  }

  /**
   * The events of the next datagram, waiting for it up to `ms` on this thread, which does nothing
   * else meanwhile (no timers, no callbacks): one system call per datagram, cheaper than the
   * worker thread's hand-over, for a process that only watches events. Needs a subscription
   * opened with `waitHere`. Undefined when none came: the time ran out, or a signal ended the
   * wait (its handler runs at the caller's next turn of the event loop).
   */
  receiveHere(ms: number, onOverrun?: (loss: EventLoss) => void): MptcpEvent[] | undefined {
    if (this.closed) return undefined;
    const result = this.genl.transport.receiveHere(ms);
    if (result.kind === 'timeout') return undefined;
    if (result.kind === 'overrun') {
      this.reportDrops(true, onOverrun);
      return [];
    }
    return decodeEventDatagram(result.datagram, this.family.id);
  }

  /**
   * Reports to `onOverrun` the drops the kernel counted since the last report (ENOBUFS comes
   * once per overrun; the counter says how many): with `overrun`, always; else only if any.
   */
  reportDrops(overrun: boolean, onOverrun?: (loss: EventLoss) => void): void {
    if (!onOverrun || this.closed) return;
    const now = this.genl.transport.droppedMessages();
    const lost = now === undefined ? undefined : now - this.dropped;
    if (!overrun && !lost) return;
    if (now !== undefined) this.dropped = now;
    // Drops counted while the socket's ENOBUFS has not been received yet (the overflow came after
    // the last receive) belong to that overrun: reported as it, and not again by the next receive.
    onOverrun({ overrun: overrun || this.genl.transport.takeOverrun(), lost });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.genl.close();
  }
}
