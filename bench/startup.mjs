// Start-up: `mptcpctl endpoint show` (8 endpoints, text, in a namespace) next to `node -e 0`
// and `ip mptcp endpoint show`, medians of interleaved runs. Target: <= 1.25x node -e 0.
//   node bench/startup.mjs [OTHER/bin/mptcpctl ...]   (RUNS, default 31)
// Other builds named on the command line (e.g. the code before a change, built elsewhere) run
// in the same rounds.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, interleaved, makeNetns, ratio } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.RUNS ?? 31);
const ns = makeNetns('startup');
try {
  for (let i = 1; i <= 8; i++) execFileSync('ip', ['-n', ns.name, 'mptcp', 'endpoint', 'add', `10.0.0.${i}`, 'id', String(i), 'subflow']);
  const commands = [
    ['node -e 0', process.execPath, ['-e', '0']],
    ['ip mptcp endpoint show', 'ip', ['-n', ns.name, 'mptcp', 'endpoint', 'show']],
    ['bin/mptcpctl endpoint show', `${root}bin/mptcpctl`, ['-n', ns.name, 'endpoint', 'show']],
    ...process.argv.slice(2).map((bin) => [`${bin} endpoint show`, bin, ['-n', ns.name, 'endpoint', 'show']]),
  ];
  const binary = `${root}dist/mptcpctl`;
  if (existsSync(binary)) {
    // The binary's reference is its own runtime as it is inside the binary, stripped and without
    // the blob (dist/sea/node, kept by `npm run build:binary`). The runtime as downloaded (.cache/)
    // starts ~3 ms slower, as it carries debug symbols: it would flatter the binary.
    const runtime = `${root}dist/sea/node`;
    if (existsSync(runtime)) commands.push(['embedded runtime (dist/sea/node) -e 0', runtime, ['-e', '0']]);
    commands.push(['dist/mptcpctl (single executable)', binary, ['-n', ns.name, 'endpoint', 'show']]);
  }
  const medians = interleaved(commands.map(([, c, a]) => [c, a]), runs);
  const node = medians[0];
  console.log(`start-up, median of ${runs} interleaved runs (node ${process.version})`);
  commands.forEach(([label], i) => console.log(`  ${label.padEnd(44)} ${fmt(medians[i]).padStart(9)}  ${ratio(medians[i], node)} node -e 0  ${ratio(medians[i], medians[1])} ip`));
  const embedded = commands.findIndex(([label]) => label.startsWith('embedded runtime'));
  if (embedded >= 0) console.log(`  single executable / its runtime's -e 0: ${ratio(medians[embedded + 1], medians[embedded])}`);
} finally {
  ns.remove();
}
