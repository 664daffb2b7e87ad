/**
 * What a command needs from the system, opened lazily and shared by all commands of a run (a
 * batch file uses one socket for all its lines): the path-manager client and interface names.
 */
import { MptcpPm } from '../pm/client.js';
import { EventSubscription } from '../pm/event-subscription.js';
import type { TraceHook } from '../netlink/exchange.js';
import { UsageError } from '../errors.js';

export class Session {
  private pm: Promise<MptcpPm> | undefined;
  private links: Promise<Map<number, string>> | undefined;
  /** A subscription to path-manager events made ahead of its command, not yet handed out. */
  private subscription: Promise<EventSubscription> | undefined;

  constructor(
    /** The namespace every socket is opened in (`-n NAME`), or undefined for the current one. */
    readonly netns: string | undefined,
    /** Observer of netlink traffic (`--debug`). */
    readonly trace?: TraceHook,
  ) {}

  /** The path-manager client, opened on first use. */
  pathManager(): Promise<MptcpPm> {
    this.pm ??= MptcpPm.open({ ...(this.netns === undefined ? {} : { netns: this.netns }), ...(this.trace ? { trace: this.trace } : {}) });
    return this.pm;
  }

  /**
   * Subscribes to path-manager events now, ahead of the command that reads them (which gets the
   * subscription from eventSubscription()); the kernel queues events from then on. Resolves when
   * subscribed or failed: a failure is kept for eventSubscription() to throw, after the command
   * has checked its own arguments.
   */
  async subscribeEarly(receiveBufferBytes?: number): Promise<void> {
    this.subscription ??= this.subscribe(receiveBufferBytes);
    // Handled here so an unused failure is not an unhandled rejection; the promise keeps it.
    await this.subscription.catch(() => undefined);
  }

  /** The events subscription: the one made early if any, else a new one. The caller closes it. */
  eventSubscription(): Promise<EventSubscription> {
    const subscription = this.subscription ?? this.subscribe();
    this.subscription = undefined;
    return subscription;
  }

  /** A CLI process that reads events does nothing else: it may wait for them on its own thread. */
  private subscribe(receiveBufferBytes?: number): Promise<EventSubscription> {
    return EventSubscription.open({
      ...(this.netns === undefined ? {} : { netns: this.netns }),
      ...(this.trace ? { trace: this.trace } : {}),
      ...(receiveBufferBytes === undefined ? {} : { receiveBufferBytes }),
      waitHere: true,
    });
  }

  /** Interface index -> name in the namespace, read once. */
  interfaces(): Promise<Map<number, string>> {
    // Imported here: most commands name no interface, and rtnetlink's tables cost every start.
    this.links ??= import('../netlink/rtnl.js').then(({ listInterfaces }) => listInterfaces(this.netns === undefined ? {} : { netns: this.netns }, this.trace));
    return this.links;
  }

  /** Forgets the interface list (after a command that may have changed it). */
  forgetInterfaces(): void {
    this.links = undefined;
  }

  /** Interface name -> index in the namespace; `ifN` is index N, as in ip. */
  async interfaceIndex(name: string): Promise<number> {
    for (const [index, linkName] of await this.interfaces()) if (linkName === name) return index;
    const m = /^if([0-9]+)$/.exec(name);
    if (m) return Number(m[1]);
    throw new UsageError(`device "${name}" does not exist${this.netns === undefined ? '' : ` in network namespace "${this.netns}"`}`);
  }

  async close(): Promise<void> {
    const pm = this.pm;
    const subscription = this.subscription;
    this.pm = undefined;
    this.subscription = undefined;
    if (pm) await (await pm.catch(() => undefined))?.close();
    if (subscription) await (await subscription.catch(() => undefined))?.close();
  }
}
