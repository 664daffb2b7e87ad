// Batch: `mptcpctl -b FILE` against `ip -batch FILE` on the same lines, in the same run, as
// operations per second. Targets (issue #17): >= 0.75x ip at 5,000 lines, >= 1.0x at 20,000.
//
// WORKLOAD=adddel (the target's, default): alternating endpoint add/delete. The kernel's own work
// dominates it (a delete waits for an RCU grace period), so the reference is checked first:
// `ip -batch` ran these lines at ~18,000/s on an idle machine of this project's kind; below
// MIN_IP_OPS (a loaded machine stretches each grace period to milliseconds) the figures measure
// the machine, not the tools, and no ratio is given (nor is mptcpctl run).
// WORKLOAD=limits: alternating `limits set` and `endpoint show id 1`, which the kernel answers at
// once: what each tool costs per line itself (ip ~10 us). Not the target's workload.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNetns, median, ratio, timeOnce } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = (process.env.SIZES ?? '5000,20000').split(',').map(Number);
const runs = Number(process.env.RUNS ?? 5);
const workload = process.env.WORKLOAD ?? 'adddel';
const MIN_IP_OPS = 5000;
/** Lines of the reference check. */
const PROBE_LINES = 1000;
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-bench-'));
const ns = makeNetns('batch');

const workloads = {
  adddel: (n) =>
    Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `endpoint add 10.0.${(i >> 8) & 0xff}.${(i & 0xfe) + 1} id ${(i % 200) + 1} subflow` : `endpoint delete id ${((i - 1) % 200) + 1}`)),
  limits: (n) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `limits set subflows ${(i >> 1) % 8}` : 'endpoint show id 1')),
};
const lines = workloads[workload];
if (!lines) throw new Error(`WORKLOAD must be one of ${Object.keys(workloads).join(', ')}`);

/** Both tools' files for `n` lines. */
function files(n) {
  const ours = join(work, `ours-${n}.txt`);
  const theirs = join(work, `ip-${n}.txt`);
  writeFileSync(ours, `${lines(n).join('\n')}\n`);
  writeFileSync(theirs, `${lines(n).map((l) => `mptcp ${l}`).join('\n')}\n`);
  return { ours, theirs };
}

/** The namespace as each run starts from. */
function reset() {
  execFileSync('ip', ['-n', ns.name, 'mptcp', 'endpoint', 'flush']);
  if (workload === 'limits') execFileSync('ip', ['-n', ns.name, 'mptcp', 'endpoint', 'add', '10.9.9.9', 'id', '1']);
}

try {
  console.log(`batch (${workload}), median of ${runs} interleaved runs (node ${process.version})`);
  const probe = files(PROBE_LINES);
  reset();
  const probeOps = PROBE_LINES / (timeOnce('ip', ['-n', ns.name, '-batch', probe.theirs]) / 1000);
  if (probeOps < MIN_IP_OPS) {
    console.log(`  reference broken: ip -batch ran ${PROBE_LINES} lines at ${Math.round(probeOps)} ops/s (below ${MIN_IP_OPS}); no ratio`);
  } else {
    for (const n of sizes) {
      const { ours, theirs } = files(n);
      const t = { ip: [], ours: [] };
      for (let i = 0; i < runs; i++) {
        reset();
        t.ip.push(timeOnce('ip', ['-n', ns.name, '-batch', theirs]));
        reset();
        t.ours.push(timeOnce(`${root}bin/mptcpctl`, ['-n', ns.name, '-b', ours]));
      }
      const ip = n / (median(t.ip) / 1000);
      const mine = n / (median(t.ours) / 1000);
      const times = (list) => list.map((ms) => ms.toFixed(0)).join('/');
      const verdict = ip < MIN_IP_OPS ? `reference broken (ip below ${MIN_IP_OPS} ops/s): no ratio` : `= ${ratio(mine, ip)} ip`;
      console.log(`  ${String(n).padStart(6)} lines: ip ${Math.round(ip)} ops/s, mptcpctl ${Math.round(mine)} ops/s ${verdict} (ms: ip ${times(t.ip)}, mptcpctl ${times(t.ours)})`);
    }
  }
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
