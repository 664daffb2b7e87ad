// Shared helpers for the benchmarks: a throw-away namespace, timing of whole commands, medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The environment benchmarks run commands in: NODE_EXTRA_CA_CERTS adds ~45 ms to every Node start. */
export const benchEnv = (() => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time in ms of one run of `command args`; throws if it fails. */
export function timeOnce(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { env: benchEnv, stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/**
 * Times several commands interleaved (A B C A B C ...), so drifts of the machine hit them
 * alike; returns the median of each.
 */
export function interleaved(commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([command, args], j) => times[j].push(timeOnce(command, args)));
  }
  return times.map(median);
}

/** Creates a namespace; the returned function deletes it. Deleted at exit as a last resort. */
export function makeNetns(prefix) {
  const name = `mpc-bench-${prefix}-${process.pid}-${randomBytes(2).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  const remove = () => spawnSync('ip', ['netns', 'del', name]);
  process.on('exit', remove);
  return { name, remove };
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
