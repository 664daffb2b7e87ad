// Batch: `mptcpctl -b FILE` against `ip -batch FILE` on the same lines (alternating endpoint
// add/delete), in the same run, as operations per second. Targets: >= 0.75x ip at 5,000 lines,
// >= 0.9x at 50,000.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNetns, median, ratio, timeOnce } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = (process.env.SIZES ?? '5000,50000').split(',').map(Number);
const runs = Number(process.env.RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-bench-'));
const ns = makeNetns('batch');

const lines = (n) =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `endpoint add 10.0.${(i >> 8) & 0xff}.${(i & 0xfe) + 1} id ${(i % 200) + 1} subflow` : `endpoint delete id ${((i - 1) % 200) + 1}`));

try {
  console.log(`batch, median of ${runs} interleaved runs (node ${process.version})`);
  for (const n of sizes) {
    const ours = join(work, `ours-${n}.txt`);
    const theirs = join(work, `ip-${n}.txt`);
    writeFileSync(ours, `${lines(n).join('\n')}\n`);
    writeFileSync(theirs, `${lines(n).map((l) => `mptcp ${l}`).join('\n')}\n`);
    const t = { ip: [], ours: [] };
    for (let i = 0; i < runs; i++) {
      execFileSync('ip', ['-n', ns.name, 'mptcp', 'endpoint', 'flush']);
      t.ip.push(timeOnce('ip', ['-n', ns.name, '-batch', theirs]));
      execFileSync('ip', ['-n', ns.name, 'mptcp', 'endpoint', 'flush']);
      t.ours.push(timeOnce(`${root}bin/mptcpctl`, ['-n', ns.name, '-b', ours]));
    }
    const ip = n / (median(t.ip) / 1000);
    const mine = n / (median(t.ours) / 1000);
    console.log(`  ${String(n).padStart(6)} lines: ip ${Math.round(ip)} ops/s, mptcpctl ${Math.round(mine)} ops/s = ${ratio(mine, ip)} ip`);
  }
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
