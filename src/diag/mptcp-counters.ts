/**
 * MPTcpExt counters of a namespace and how much each moved since the previous look, so that
 * `connection explain` can name the counters that moved for a cause. The previous values are kept
 * in a small state file per namespace (keyed by the namespace's inode, so a namespace recreated
 * under the same name starts afresh); the difference itself is pure.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CounterEvidence } from './explain.js';
import { countersObject, readMptcpCounters } from './netstat.js';

/**
 * The counters that went up from `before` to `now`. A counter that went down was reset (a new
 * namespace under the same key): its whole value counts. Pure.
 */
export function countersMoved(before: Record<string, number> | undefined, now: Record<string, number>): CounterEvidence {
  const moved: Record<string, number> = {};
  for (const [name, value] of Object.entries(now)) {
    const delta = before && (before[name] ?? 0) <= value ? value - (before[name] ?? 0) : value;
    if (delta > 0) moved[name] = delta;
  }
  return { values: now, moved, baseline: before ? 'last-look' : 'none' };
}

/** Where the previous look is kept: MPTCPCTL_STATE_DIR, else $XDG_RUNTIME_DIR/mptcpctl, else a per-user directory in /tmp. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MPTCPCTL_STATE_DIR']) return env['MPTCPCTL_STATE_DIR'];
  if (env['XDG_RUNTIME_DIR']) return join(env['XDG_RUNTIME_DIR'], 'mptcpctl');
  return join(tmpdir(), `mptcpctl-${process.getuid?.() ?? 'user'}`);
}

/** The namespace's identity: device and inode of its nsfs file. */
function namespaceKey(netns: string | undefined): string {
  const st = statSync(netns === undefined ? '/proc/thread-self/ns/net' : `/run/netns/${netns}`);
  return `${st.dev}-${st.ino}`;
}

/**
 * Reads the counters, compares them with the previous look and records this one. Failing to
 * keep the state (read-only file system) only loses the comparison: the evidence then says so.
 */
export function lookAtCounters(netns: string | undefined, dir = stateDir()): CounterEvidence {
  const now = countersObject(readMptcpCounters(netns));
  let before: Record<string, number> | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A directory someone else made (in a shared /tmp) is not ours to trust.
    if (statSync(dir).uid !== process.getuid?.()) return countersMoved(undefined, now);
    const file = join(dir, `counters-${namespaceKey(netns)}.json`);
    try {
      before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
    } catch {
      before = undefined;
    }
    writeFileSync(`${file}.tmp`, JSON.stringify(now), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch {
    // No place to keep the look (read-only file system): only the comparison is lost.
  }
  return countersMoved(before, now);
}
