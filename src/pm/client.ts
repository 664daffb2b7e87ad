/**
 * The typed path-manager API: one method per mptcp_pm operation, and an async iterator of events.
 *
 * @example
 * const pm = await MptcpPm.open({ netns: 'blue' });
 * await pm.addEndpoint({ address: '10.0.0.2', id: 3, flags: AddressFlag.signal });
 * console.log(await pm.listEndpoints());
 * await pm.close();
 */
import { GenericNetlink, type FamilyInfo, type GenlReply, type ReplyReader, type TraceHook } from '../netlink/genl.js';
import { familyPolicy, type FamilyPolicy } from '../netlink/genl-policy.js';
import type { TransportOptions } from '../netlink/transport.js';
import { decodeEndpointReply, encodeRequest, readLimitsReplyAt, type PmRequest } from '../mptcp/codec.js';
import type { AddressInput, Endpoint, Limits, MptcpEvent, Token } from '../mptcp/records.js';
import { AddressFlag, FAMILY_NAME, FAMILY_VERSION, requestSetOf } from '../families/mptcp-pm.js';
import { ClosedError, ProtocolError } from '../errors.js';
import { TimeSlice } from '../util/time-slice.js';
import { EventSubscription, type EventLoss } from './event-subscription.js';

export { DEFAULT_EVENT_BUFFER_BYTES, type EventLoss } from './event-subscription.js';

export interface OpenOptions {
  /** Network namespace name, as `ip -n NAME` (a file in /run/netns). Default: the current one. */
  netns?: string;
  /** Observer of every netlink message sent and received (for tracing). */
  trace?: TraceHook;
}

export interface EventOptions {
  /** Stops the iteration (the iterator then returns). */
  signal?: AbortSignal;
  /** Receive buffer of the event socket in bytes (default 4 MiB). */
  receiveBufferBytes?: number;
  /**
   * Called when the kernel dropped events because the receive buffer was full: at once on each
   * ENOBUFS (`overrun: true`), and for drops counted after it (`overrun: false`), which are found
   * when the socket runs idle and before it closes.
   */
  onOverrun?: (loss: EventLoss) => void;
}

/** Longest stretch of back-to-back decoding before timers and signal handlers get a turn. */
const EVENT_SLICE_MS = 20;
/** How long the event socket may stay idle before its drop counter is read again. */
const IDLE_CHECK_MS = 1000;

/** An events() iterator's socket, so that close() can end it. */
interface EventStream {
  /** The step in progress, if any (subscribing, waiting): close() lets it return (one wait slice) before the socket goes. */
  receiving: Promise<unknown> | undefined;
  /** Reports late drops and closes the socket, once, whoever comes first (the iterator or close()). */
  finish(): Promise<void>;
}

export class MptcpPm {
  /** Aborted by close(): ends every events() iterator. */
  private readonly closing = new AbortController();
  private readonly streams = new Set<EventStream>();

  private constructor(
    private readonly genl: GenericNetlink,
    /** The family as the running kernel describes it (id, version, ops, groups). */
    readonly family: FamilyInfo,
    private readonly options: OpenOptions,
  ) {}

  /** Opens a netlink socket (in `netns` if given) and resolves the `mptcp_pm` family. */
  static async open(options: OpenOptions = {}): Promise<MptcpPm> {
    const genl = GenericNetlink.open(transportOptions(options));
    genl.trace = options.trace;
    try {
      return new MptcpPm(genl, await genl.family(FAMILY_NAME), options);
    } catch (err) {
      await genl.close();
      throw err;
    }
  }

  /** Adds an in-kernel PM endpoint (ADD_ADDR). `id` absent or 0: the kernel picks one. */
  async addEndpoint(endpoint: AddressInput & { address: string }): Promise<void> {
    await this.run(encodeRequest.addEndpoint(endpoint));
  }

  /** Deletes an endpoint by id (DEL_ADDR). Id 0 needs `address` and always succeeds. */
  async deleteEndpoint(id: number, address?: string): Promise<void> {
    await this.run(encodeRequest.deleteEndpoint(id, address));
  }

  /** One endpoint by id (GET_ADDR do); with `token`, a local address of a userspace-PM connection. */
  async getEndpoint(id: number, token?: Token): Promise<Endpoint> {
    const [endpoint] = this.endpointsOf(await this.run(encodeRequest.getEndpoint(id, token)));
    if (!endpoint) throw new ProtocolError(`GET_ADDR reply for id ${id} has no address`);
    return endpoint;
  }

  /** All endpoints in id order (GET_ADDR dump); with `token`, that connection's local addresses. */
  async listEndpoints(token?: Token): Promise<Endpoint[]> {
    return this.endpointsOf(await this.run(encodeRequest.listEndpoints(token)));
  }

  /** Removes every endpoint (FLUSH_ADDRS). Limits are left alone (Linux >= 6.17). */
  async flushEndpoints(): Promise<void> {
    await this.run(encodeRequest.flushEndpoints());
  }

  getLimits(): Promise<Limits> {
    // The request has no arguments: encoded once, sent as often as asked.
    return this.call(() => (getLimitsRequest ??= encodeRequest.getLimits()), onlyLimits, readLimitsReplyAt);
  }

  /** Sets the given limits (each 0..8); absent ones are unchanged. A refusal changes nothing. */
  async setLimits(limits: Partial<Limits>): Promise<void> {
    await this.run(encodeRequest.setLimits(limits));
  }

  /**
   * Sets an endpoint's backup and fullmesh flags (SET_FLAGS), found by `address` (+`port`) or
   * by `id`. Both bits are replaced by `flags`: give the complete wanted state.
   */
  async setEndpointFlags(endpoint: AddressInput): Promise<void> {
    await this.run(encodeRequest.setFlags(endpoint));
  }

  /** Userspace PM: sets the backup priority (MP_PRIO) of the subflows of `token` between `local` and `remote`. */
  async setSubflowPriority(token: Token, local: AddressInput, remote: AddressInput): Promise<void> {
    await this.run(encodeRequest.setFlags(local, token, remote));
  }

  /** Userspace PM: announces `local` (address, id != 0, optional port/ifindex) with ADD_ADDR. */
  async announce(token: Token, local: AddressInput): Promise<void> {
    // The kernel (>= 6.9) requires the signal flag on an announced address; it is what announce means.
    await this.run(encodeRequest.announce(token, { ...local, flags: (local.flags ?? 0) | AddressFlag.signal }));
  }

  /** Userspace PM: withdraws local address `id` (RM_ADDR) and closes its subflows. */
  async remove(token: Token, id: number): Promise<void> {
    await this.run(encodeRequest.remove(token, id));
  }

  /** Userspace PM: starts a subflow. Asynchronous: success means the SYN left; watch SUB_ESTABLISHED / SUB_CLOSED. */
  async subflowCreate(token: Token, local: AddressInput, remote: AddressInput): Promise<void> {
    await this.run(encodeRequest.subflowCreate(token, local, remote));
  }

  /** Userspace PM: closes the subflow with exactly these local and remote addresses and ports. */
  async subflowDestroy(token: Token, local: AddressInput, remote: AddressInput): Promise<void> {
    await this.run(encodeRequest.subflowDestroy(token, local, remote));
  }

  /**
   * The family's per-operation attribute policies as the running kernel reports them
   * (CTRL_CMD_GETPOLICY); undefined on kernels that cannot say. For feature detection.
   */
  async policy(): Promise<FamilyPolicy | undefined> {
    return familyPolicy(this.genl, FAMILY_NAME);
  }

  /** Sends an encoded request; the low-level door for tools that build requests themselves. */
  run(request: PmRequest): Promise<GenlReply[]> {
    return this.call(() => request, (replies) => replies);
  }

  /**
   * The request `encode` makes, sent, and its replies (each read by `readReply` where it was
   * received, if given: it keeps nothing of it) turned into the result by `decode`; what
   * either throws is the promise's rejection, as in an async method. Not an async method itself:
   * the kernel answers most requests within the send, and then no await is made at all (each is
   * a measurable part of a round trip: bench/library.mjs).
   */
  private call<T, R = GenlReply>(encode: () => PmRequest, decode: (replies: R[]) => T, readReply?: ReplyReader<R>): Promise<T> {
    try {
      const request = encode();
      if (this.closing.signal.aborted) throw new ClosedError(`${request.command}: this MptcpPm is closed`);
      const req = {
        familyId: this.family.id,
        cmd: request.cmd,
        version: FAMILY_VERSION,
        attributes: request.attributes,
        dump: request.dump,
        replied: request.replied,
        operation: request.command,
        attributeSet: requestSetOf(request.cmd),
      };
      // Without a reader of its own, R is GenlReply (its default).
      const replies = readReply ? this.genl.requestNow(req, readReply) : (this.genl.requestNow(req) as R[] | Promise<R[]>);
      return replies instanceof Promise ? replies.then(decode) : Promise.resolve(decode(replies));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Path-manager events as they happen, on a socket of their own (joining the group needs
   * CAP_NET_ADMIN). The iterator ends (returns done, it does not throw) when `signal` aborts or
   * when close() is called, also while a `for await` is waiting for the next event; after
   * close() a new iterator ends at once.
   */
  async *events(options: EventOptions = {}): AsyncGenerator<MptcpEvent> {
    if (this.closing.signal.aborted) return;
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    this.closing.signal.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) stop.abort();
    const { onOverrun } = options;
    const opening = EventSubscription.open({
      ...transportOptions(this.options),
      family: this.family,
      ...(options.receiveBufferBytes === undefined ? {} : { receiveBufferBytes: options.receiveBufferBytes }),
    });
    let finished: Promise<void> | undefined;
    const stream: EventStream = {
      receiving: opening,
      finish: () =>
        (finished ??= (async () => {
          const subscription = await opening.catch(() => undefined);
          if (!subscription) return;
          // Drops counted after the last ENOBUFS are reported before the socket (and its counter) goes.
          subscription.reportDrops(false, onOverrun);
          await subscription.close();
        })()),
    };
    this.streams.add(stream);
    try {
      const subscription = await opening;
      stream.receiving = undefined;
      const slice = new TimeSlice(EVENT_SLICE_MS);
      while (!stop.signal.aborted) {
        // Everything queued is read before the next wait: a wait is a round trip to koffi's worker thread.
        const events = subscription.takeQueued(onOverrun);
        if (events.length === 0) {
          const waiting = subscription.waitOnWorker(IDLE_CHECK_MS, stop.signal);
          stream.receiving = waiting;
          const ready = await waiting;
          stream.receiving = undefined;
          if (!ready && !this.closing.signal.aborted) {
            subscription.reportDrops(false, onOverrun);
            slice.restart();
          }
          continue;
        }
        for (const event of events) {
          yield event;
          // Closed while the caller held this event: nothing more, not even the rest of the datagram.
          if (this.closing.signal.aborted) return;
        }
        // A busy socket never makes the loop wait: give timers and signals their turn now and then.
        if (slice.due()) await slice.nextTurn();
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      this.closing.signal.removeEventListener('abort', abort);
      this.streams.delete(stream);
      await stream.finish();
    }
  }

  /**
   * Closes the request socket and every events() socket. Pending iterators end (their `next()`
   * resolves `{ done: true }`); requests made afterwards reject with a ClosedError.
   */
  async close(): Promise<void> {
    this.closing.abort();
    const streams = [...this.streams];
    this.streams.clear();
    // A wait in progress sees the abort within one wait slice; then its socket can go.
    await Promise.all(
      streams.map(async (stream) => {
        await stream.receiving?.catch(() => undefined);
        await stream.finish();
      }),
    );
    await this.genl.close();
  }

  private endpointsOf(replies: GenlReply[]): Endpoint[] {
    const endpoints: Endpoint[] = [];
    for (const reply of replies) {
      const endpoint = decodeEndpointReply(reply.attributes);
      if (endpoint) endpoints.push(endpoint);
    }
    return endpoints;
  }
}

let getLimitsRequest: PmRequest | undefined;

function onlyLimits([limits]: Limits[]): Limits {
  if (!limits) throw new ProtocolError('GET_LIMITS sent no reply');
  return limits;
}

function transportOptions(options: OpenOptions): TransportOptions {
  return options.netns === undefined ? {} : { netns: options.netns };
}

