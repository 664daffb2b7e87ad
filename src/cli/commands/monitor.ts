/**
 * `monitor`: path-manager events as they happen, one flushed line each (ip 7.1's text, JSON
 * Lines with --json, coloured and explained on a terminal), filtered, bounded by --count or
 * --timeout, and never losing events silently: every kernel overrun is reported at once.
 */
import type { MptcpEvent } from '../../mptcp/records.js';
import type { EventLoss, EventSubscription } from '../../pm/event-subscription.js';
import { NetnsError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { eventJsonLine, lostJsonLine } from '../output/records/event-json.js';
import { eventText } from '../output/records/event-text.js';
import { watchNetns } from '../../sys/netns-watch.js';
import { notifyReady } from '../readiness.js';
import { parseMonitorOptions, type MonitorArgs, type MonitorOptions } from '../grammar/monitor.js';
import { TimeSlice } from '../../util/time-slice.js';

export { parseMonitorOptions, type MonitorArgs, type MonitorOptions };

/** Whether an event passes --event and --token. */
export function eventSelected(event: MptcpEvent, args: MonitorArgs): boolean {
  if (args.types && !args.types.has(event.type)) return false;
  return args.token === undefined || event.token === args.token;
}

/** Microseconds since 1970, with the sub-millisecond part that Date lacks. */
const nowMicros = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Interface names for `dev=`, read when first needed and again (at most once a second) on a miss. */
class InterfaceNameCache {
  names: ReadonlyMap<number, string> = new Map();
  private loadedAt = -Infinity;

  constructor(private readonly ctx: CommandContext) {}

  /** Whether `event` names an interface not known yet, and the list may be read again. */
  stale(event: MptcpEvent): boolean {
    return event.ifindex !== undefined && !this.names.has(event.ifindex) && Date.now() - this.loadedAt >= 1000;
  }

  async reload(): Promise<void> {
    this.ctx.session.forgetInterfaces();
    this.loadedAt = Date.now();
    this.names = await this.ctx.session.interfaces();
  }
}

/** Longest stretch of back-to-back events before timers and signal handlers get a turn. */
const EVENT_SLICE_MS = 20;
/** Longest single wait for events; also how often the kernel's drop counter is read when idle. */
const WAIT_SLICE_MS = 100;

/**
 * Receives events and hands each datagram's to `print` until `signal` aborts, `deadline` (ms
 * since 1970) passes or `print` says it is done. Apart from monitorCommand and small on purpose:
 * V8 optimises the whole function around a hot loop, and compiling that is a good part of the
 * CPU a burst of a few thousand events costs.
 */
async function receiveEvents(
  subscription: EventSubscription,
  signal: AbortSignal,
  deadline: number,
  onOverrun: (loss: EventLoss) => void,
  print: (events: MptcpEvent[]) => boolean | Promise<boolean>,
): Promise<void> {
  const slice = new TimeSlice(EVENT_SLICE_MS);
  while (!signal.aborted) {
    // This process does nothing else meanwhile, so it waits for each datagram in the receive
    // itself, as ip does: one system call per datagram. A signal ends the wait, and the turn of
    // the event loop after a wait that brought nothing runs its handler (and the timers).
    const events = subscription.receiveHere(Math.min(WAIT_SLICE_MS, deadline - Date.now()), onOverrun);
    if (events === undefined) {
      subscription.reportDrops(false, onOverrun);
      await slice.nextTurn();
      continue;
    }
    const done = print(events);
    if (done === true || (done !== false && (await done))) return;
    if (slice.due()) await slice.nextTurn();
  }
}

export async function monitorCommand(ctx: CommandContext, options: MonitorOptions): Promise<void> {
  const args = parseMonitorOptions(options);
  const names = new InterfaceNameCache(ctx);
  const json = ctx.out.format === 'json';
  // `auto` on a terminal resolves to the table format: there, lines are coloured and explained.
  const human = ctx.out.format === 'table';
  // Stopping is a normal end (exit 0 after the last line), from the first moment on.
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  const timer = args.timeoutMs === undefined ? undefined : setTimeout(end, args.timeoutMs);
  let overruns = 0;
  let lost = 0;
  let lostKnown = true;
  const onOverrun = (loss: EventLoss): void => {
    if (loss.overrun) overruns++;
    if (loss.lost === undefined) lostKnown = false;
    else lost += loss.lost;
    const what = loss.lost === undefined ? 'events were lost' : `${loss.lost} event${loss.lost === 1 ? ' was' : 's were'} lost`;
    ctx.note(`mptcpctl: ${what}: the kernel's event queue overflowed (overrun ${overruns}); a larger --rcvbuf helps`);
    if (json) ctx.write(lostJsonLine(loss.lost === undefined ? { overruns } : { overruns, lost: loss.lost }, args.timestamp ? nowMicros() : undefined));
  };
  let printed = 0;
  // Prints the events of one datagram; true once --count is reached. Synchronous but when an
  // interface name must be read first, which is rare (then it goes on where it stopped).
  const print = (events: MptcpEvent[], from = 0): boolean | Promise<boolean> => {
    for (let i = from; i < events.length; i++) {
      const event = events[i]!;
      if (!eventSelected(event, args)) continue;
      if (names.stale(event)) return names.reload().then(() => print(events, i));
      const timestamp = args.timestamp ? nowMicros() : undefined;
      const view = { names: names.names, ...(timestamp === undefined ? {} : { timestamp }) };
      // One write per event: each line reaches a pipe (`| jq`, `| grep`) as soon as it happens.
      ctx.write(json ? eventJsonLine(event, view) : eventText(event, { ...view, color: ctx.out.color, human }));
      if (++printed === args.count) return true;
    }
    return false;
  };
  // A deleted namespace ends the monitor (exit 1) instead of being kept alive by it.
  let deleted = false;
  let unwatch: (() => void) | undefined;
  let subscription: EventSubscription | undefined;
  try {
    // Subscribed already when run.ts saw the monitor's line: events since then are queued.
    subscription = await ctx.session.eventSubscription();
    if (args.receiveBufferBytes !== undefined) subscription.setReceiveBuffer(args.receiveBufferBytes);
    const netns = ctx.session.netns;
    if (netns !== undefined) {
      unwatch = watchNetns(netns, () => {
        deleted = true;
        end();
      });
    }
    notifyReady(args.readyFd, { warn: (problem) => ctx.note(`mptcpctl: cannot say "ready": ${problem}`) });
    await receiveEvents(subscription, stop.signal, args.timeoutMs === undefined ? Infinity : Date.now() + args.timeoutMs, onOverrun, print);
  } finally {
    process.removeListener('SIGINT', end);
    process.removeListener('SIGTERM', end);
    if (timer) clearTimeout(timer);
    unwatch?.();
    // Drops counted after the last ENOBUFS are reported before the socket (and its counter) goes.
    subscription?.reportDrops(false, onOverrun);
    await subscription?.close();
  }
  if (overruns || lost) {
    ctx.note(`mptcpctl: ${lostKnown ? `${lost} event${lost === 1 ? '' : 's'}` : 'events'} lost in ${overruns} receive-buffer overrun${overruns === 1 ? '' : 's'}`);
  }
  if (deleted) throw new NetnsError(ctx.session.netns!, 'deleted while the monitor was running (the monitor has let go of it)');
}
