// Library: one GET_LIMITS round trip through MptcpPm.getLimits(), in-process, against the same
// request made by a minimal C program (bench/c/get_limits.c, built here with gcc); medians of
// 10,000 each, in the same namespace and run. Target: within 1.5x of C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNetns, median, ratio } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.COUNT ?? 10000);
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-bench-c-'));
const ns = makeNetns('lib');
try {
  const program = join(work, 'get_limits');
  execFileSync('gcc', ['-O2', '-o', program, join(root, 'bench/c/get_limits.c')]);
  const c = Number(execFileSync('ip', ['netns', 'exec', ns.name, program, String(count)], { encoding: 'utf8' }));

  const { MptcpPm } = await import(join(root, 'build/src/index.js'));
  const pm = await MptcpPm.open({ netns: ns.name });
  for (let i = 0; i < 1000; i++) await pm.getLimits(); // warm-up: JIT, buffers
  const us = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await pm.getLimits();
    us.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  await pm.close();
  const node = median(us);
  console.log(`GET_LIMITS round trip, median of ${count} (node ${process.version})`);
  console.log(`  C (gcc -O2)        ${c.toFixed(2)} us`);
  console.log(`  mptcpctl library   ${node.toFixed(2)} us  = ${ratio(node, c)} C`);
} finally {
  ns.remove();
  rmSync(work, { recursive: true, force: true });
}
