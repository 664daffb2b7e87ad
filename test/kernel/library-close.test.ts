/**
 * MptcpPm.close() ends every events() iterator, in a throw-away namespace: one waiting inside a
 * `for await` (which hung for ever before), several at once, one whose caller holds an event,
 * and one made after close(). Iterators end with `done` (they do not throw); requests after
 * close() reject with a ClosedError. Each test has a timeout, so a hang fails instead of stalling.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { MptcpPm } from '../../src/pm/client.js';
import { EventType } from '../../src/families/mptcp-pm.js';
import type { MptcpEvent } from '../../src/mptcp/records.js';
import { ClosedError, MptcpctlError } from '../../src/errors.js';
import { startServer, type Peer } from '../helpers/mptcp.js';
import { createNetns, deleteNetns, ip, nsExec } from '../helpers/netns.js';

const TIMEOUT = { timeout: 20_000 };

/**
 * This process's netlink sockets in namespace `ns` (the inodes of its descriptors that the
 * namespace's /proc/net/netlink lists), to see that close() let go of every one.
 */
function netlinkSockets(ns: string): string[] {
  const listed = new Set(
    nsExec(ns, 'cat', '/proc/net/netlink')
      .stdout.split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[9])
      .filter((inode): inode is string => inode !== undefined),
  );
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      } catch {
        return undefined; // the descriptor readdir itself used
      }
    })
    .filter((inode): inode is string => inode !== undefined && listed.has(inode));
}

/** Runs `for await` over the iterator until it ends; resolves with what it saw. */
async function drain(events: AsyncIterable<MptcpEvent>): Promise<MptcpEvent[]> {
  const seen: MptcpEvent[] = [];
  for await (const e of events) seen.push(e);
  return seen;
}

describe('MptcpPm.close() ends the events() iterators', () => {
  let ns = '';
  const peers: Peer[] = [];
  let port = 10300;

  before(() => {
    ns = createNetns('kclose');
    ip(ns, 'link', 'set', 'lo', 'up');
  });

  after(async () => {
    for (const peer of peers) await peer.stop();
    if (ns) deleteNetns(ns);
  });

  /** An MPTCP listener in the namespace: the kernel sends LISTENER_CREATED. */
  async function listen(): Promise<void> {
    peers.push(await startServer(ns, '127.0.0.1', port++));
  }

  it('a for await waiting for the next event ends with done when close() is called', TIMEOUT, async () => {
    const pm = await MptcpPm.open({ netns: ns });
    const events = pm.events();
    const loop = drain(events);
    await listen();
    assert.equal(netlinkSockets(ns).length, 2, 'the request socket and the event socket');
    // The loop is waiting (it has seen the listener, or is about to): close under it.
    await pm.close();
    const seen = await loop;
    assert.ok(seen.every((e) => e.type === EventType.LISTENER_CREATED), JSON.stringify(seen));
    assert.deepEqual(await events.next(), { done: true, value: undefined });
    assert.deepEqual(netlinkSockets(ns), [], 'both closed');
  });

  it('several pending iterators all end, and close() waits for their sockets', TIMEOUT, async () => {
    const pm = await MptcpPm.open({ netns: ns });
    const loops = [drain(pm.events()), drain(pm.events()), drain(pm.events({ signal: new AbortController().signal }))];
    // Each for await has made its first next() call: its socket is open and it waits.
    assert.equal(netlinkSockets(ns).length, 4);
    await pm.close();
    assert.deepEqual(netlinkSockets(ns), [], 'every socket is closed when close() resolves');
    assert.equal((await Promise.all(loops)).length, 3);
  });

  it('an iterator whose caller holds an event ends at its next step', TIMEOUT, async () => {
    const pm = await MptcpPm.open({ netns: ns });
    const events = pm.events();
    const first = events.next();
    await listen();
    const held = await first;
    assert.equal(held.done, false);
    assert.equal(held.value?.type, EventType.LISTENER_CREATED);
    await pm.close();
    assert.deepEqual(netlinkSockets(ns), [], 'close() did not wait for the caller to come back');
    await listen(); // another event the closed iterator must not deliver
    assert.deepEqual(await events.next(), { done: true, value: undefined });
  });

  it('after close(): events() ends at once and requests reject with a ClosedError', TIMEOUT, async () => {
    const pm = await MptcpPm.open({ netns: ns });
    await pm.close();
    assert.deepEqual(await drain(pm.events()), []);
    const err = await pm.listEndpoints().then(
      () => assert.fail('a closed MptcpPm sent a request'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClosedError && err instanceof MptcpctlError, String(err));
    assert.equal(err.code, 'ERR_MPTCPCTL_CLOSED');
    await pm.close(); // a second close is harmless
  });
});
