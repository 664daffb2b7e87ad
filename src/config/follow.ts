/**
 * Keeping a file true while addresses come and go: apply it, then re-plan whenever rtnetlink
 * reports an interface or address change or the path manager reports an event (debounced), and
 * every `resyncMs` in case someone changed the endpoints by hand (the kernel announces no
 * endpoint changes). A tentative address gets no endpoint until DAD has finished (the kernel
 * then sends RTM_NEWADDR again). With `unlisted: keep`, endpoints this process made are still
 * its own to remove when their address goes; others are never touched.
 */
import type { Endpoint } from '../mptcp/records.js';
import { watchRoute } from '../netlink/rtnl-watch.js';
import { applyConfig, type ApplyResult, type ApplyTarget } from './apply.js';
import type { Skip } from './candidates.js';
import type { DesiredConfig } from './model.js';
import type { Change } from './plan.js';
import { skipLine } from './render.js';

/** The longest a change waits for the events after it to settle. */
const MAX_WAIT_MS = 250;

export interface FollowOptions {
  /** Ends the follow (it resolves once its sockets are closed). */
  signal: AbortSignal;
  /** Quiet time after the last change before re-planning (default 30 ms). */
  debounceMs?: number;
  /** Re-plan at least this often (default 60 s; 0 = only on events). */
  resyncMs?: number;
  /** Each change made. */
  onChange?: (change: Change) => void;
  /** Addresses the rules skip, when that list changes. */
  onSkipped?: (skipped: Skip[]) => void;
  /** A round that failed (the state found was restored); following goes on. */
  onError?: (error: unknown) => void;
  /** After the first round, when the watches are open. */
  onReady?: (first: ApplyResult | undefined) => void;
  /** After every round. */
  onRound?: (result: ApplyResult) => void;
}

export async function followConfig(config: DesiredConfig, target: ApplyTarget, options: FollowOptions): Promise<void> {
  const debounceMs = options.debounceMs ?? 30;
  const resyncMs = options.resyncMs ?? 60_000;
  const owned = new Set<string>();
  const key = (e: { id?: number; address: string }): string => `${e.id} ${e.address}`;
  let lastSkips = '';
  let running: Promise<void> | undefined;
  let again = false;

  const round = async (): Promise<ApplyResult | undefined> => {
    try {
      const result = await applyConfig(config, target, { owned: (e: Endpoint) => owned.has(key(e)), ...(options.onChange ? { onChange: options.onChange } : {}) });
      for (const change of result.plan.changes) {
        if (change.kind === 'delete') owned.delete(key(change.endpoint));
        if (change.kind === 'add') {
          const made = result.after.endpoints.find((e) => e.address === change.endpoint.address && e.port === change.endpoint.port);
          if (made) owned.add(key(made));
        }
      }
      const skips = result.plan.skipped.map(skipLine).join('\n');
      if (skips !== lastSkips) {
        lastSkips = skips;
        options.onSkipped?.(result.plan.skipped);
      }
      options.onRound?.(result);
      return result;
    } catch (err) {
      options.onError?.(err);
      return undefined;
    }
  };
  // One round at a time; a change during a round asks for one more.
  const run = (): void => {
    if (stop.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    track(round());
  };
  const track = (pending: Promise<unknown>): void => {
    running = pending.then(() => {
      running = undefined;
      if (again) {
        again = false;
        run();
      }
    });
  };
  const debounced = debounce(run, debounceMs, MAX_WAIT_MS);
  const schedule = debounced.schedule;

  // Watches first, so that nothing between the first round and them is missed. They end with
  // `stop`: when the caller aborts, or when one of them fails (the error is then the result).
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) stop.abort();
  const transport = target.netns === undefined ? {} : { netns: target.netns };
  const stopped = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  let routes: Promise<void> = Promise.resolve();
  let events: Promise<void> = Promise.resolve();
  const resync = resyncMs > 0 ? setInterval(schedule, resyncMs) : undefined;
  try {
    routes = watchRoute(transport, stop.signal, schedule);
    events = (async () => {
      for await (const _event of target.pm.events({ signal: stop.signal })) schedule();
    })();
    const first = round();
    track(first);
    options.onReady?.(await first);
    await Promise.race([routes, events, stopped]);
  } finally {
    stop.abort();
    options.signal.removeEventListener('abort', onAbort);
    if (resync) clearInterval(resync);
    debounced.cancel();
    await running;
    await Promise.allSettled([routes, events]);
  }
}

/**
 * Calls `fn` once things have been quiet for `quietMs` after the last `schedule()`, but at most
 * `maxWaitMs` after the first one: a storm of path-manager events (thousands of connections)
 * must not starve the reaction to an address change.
 */
export function debounce(fn: () => void, quietMs: number, maxWaitMs: number): { schedule(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let pendingSince = 0;
  return {
    schedule() {
      const now = Date.now();
      if (timer) clearTimeout(timer);
      else pendingSince = now;
      timer = setTimeout(() => {
        timer = undefined;
        fn();
      }, Math.max(0, Math.min(quietMs, pendingSince + maxWaitMs - now)));
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
