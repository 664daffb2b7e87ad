/**
 * Collects `pm.events()` of one namespace in the background, so a test can wait for an event
 * that matches. `start` returns only once the socket has joined the events group (seen in the
 * namespace's /proc/net/netlink), so no event of the test's own actions can be missed.
 */
import { spawnSync } from 'node:child_process';
import type { MptcpPm } from '../../src/pm/client.js';
import type { MptcpEvent } from '../../src/mptcp/records.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';

const NETLINK_GENERIC = 16;

interface Waiter {
  match: (e: MptcpEvent) => boolean;
  resolve: (e: MptcpEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class EventLog {
  /** Every event received, in order. */
  readonly events: MptcpEvent[] = [];
  private readonly controller = new AbortController();
  private readonly waiters = new Set<Waiter>();
  private failure: Error | undefined;
  private pump: Promise<void> = Promise.resolve();

  private constructor(readonly netns: string) {}

  /** Starts reading the events of `pm` (opened in `netns`) and waits until the subscription is active. */
  static async start(pm: MptcpPm, netns: string): Promise<EventLog> {
    const log = new EventLog(netns);
    log.pump = log.run(pm);
    const group = pm.family.groups.get(EVENTS_GROUP);
    if (group === undefined) throw new Error(`family has no ${EVENTS_GROUP} group`);
    await waitForMembership(netns, group, () => log.failure);
    return log;
  }

  private async run(pm: MptcpPm): Promise<void> {
    try {
      for await (const event of pm.events({ signal: this.controller.signal })) {
        this.events.push(event);
        for (const w of this.waiters) {
          if (!w.match(event)) continue;
          this.waiters.delete(w);
          clearTimeout(w.timer);
          w.resolve(event);
        }
      }
    } catch (err) {
      this.failure = err as Error;
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(this.failure);
      }
      this.waiters.clear();
    }
  }

  /**
   * The first event (already received or still to come) that `match` accepts. The time limit
   * only turns a missing event into a failure instead of a hang; it asserts nothing about timing.
   */
  waitFor(what: string, match: (e: MptcpEvent) => boolean, limitMs = 15000): Promise<MptcpEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const got = this.events.map((e) => `${e.type}${e.token === undefined ? '' : `/${e.token}`}`).join(' ');
          reject(new Error(`no ${what} event in ${this.netns} (received: ${got || 'none'})`));
        }, limitMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Ends the iteration (its socket is closed) and waits for it. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.pump;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('event log stopped'));
    }
    this.waiters.clear();
  }
}

/** Polls the namespace's netlink socket table until a generic netlink socket is member of `group`. */
export async function waitForMembership(netns: string, group: number, failure: () => Error | undefined, limitMs = 10000): Promise<void> {
  if (group < 1 || group > 32) throw new Error(`group ${group} is not visible in /proc/net/netlink`);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const err = failure();
    if (err) throw err;
    const table = spawnSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/netlink'], { encoding: 'utf8' }).stdout ?? '';
    const joined = table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .some((cols) => Number(cols[1]) === NETLINK_GENERIC && (parseInt(cols[3] ?? '0', 16) & (1 << (group - 1))) !== 0);
    if (joined) return;
    if (Date.now() > deadline) throw new Error(`no socket joined group ${group} in ${netns}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
