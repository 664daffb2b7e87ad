// Runs the binary checks and a representative subset of the kernel tests through the single-file
// binary (dist/mptcpctl, from `npm run build:binary`) instead of the bundle: test/helpers/cli.ts
// runs MPTCPCTL_BIN when it is set. Needs the compiled tests (`npm run build`, as `npm test` does).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binary = resolve(root, process.env.MPTCPCTL_BIN ?? 'dist/mptcpctl');
if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run build:binary\` first`);

// Endpoints and limits (with ip as the oracle), the userspace PM, the monitor, listings, completion values,
// ip's global options, internal errors' stacks mapped through the maps the binary carries, stats (prom-client inside),
// the desired-state commands (their own bundle: yaml, the planner, the applier).
const subset = [
  'build/test/binary/standalone.test.js',
  'build/test/kernel/endpoint-cli.test.js',
  'build/test/kernel/userspace-cli.test.js',
  'build/test/kernel/monitor-cli-smoke.test.js',
  'build/test/kernel/monitor.test.js',
  'build/test/kernel/monitor-ready.test.js',
  'build/test/kernel/connection-cli.test.js',
  'build/test/kernel/completion-values.test.js',
  'build/test/kernel/ip-command-line.test.js',
  'build/test/package/source-map.test.js',
  'build/test/kernel/stats.test.js',
  'build/test/kernel/config-cli.test.js',
];
for (const file of subset) if (!existsSync(resolve(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);

// The 5,000-line batch comparison is left out: it measures the kernel (slowly), not the
// binary, and `npm test` runs it already. Node 20 cannot exclude by name, so the suites to run
// are named (a suite that matches runs whole); a guard below notices if renames empty the subset.
const suites = [
  'the single-file binary',
  'differential against ip',
  'terminal output',
  'stops at the first failing line',
  '--force runs every line',
  'userspace PM commands',
  'monitor through the CLI',
  'monitor options and process behaviour',
  'monitor --token and --event on connections',
  'monitor readiness',
  'connection show',
  'subflow show',
  'mptcpctl __complete',
  '(bash|zsh|fish) completes values from the kernel',
  'global options, differential against ip',
  'endpoint change and show: where ip',
  'internal errors: stacks in source files',
  'config show, diff, apply',
];
const pattern = ['--test-name-pattern', `^(${suites.join('|')})`];
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...pattern, ...subset], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MPTCPCTL_BIN: binary }, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
process.stdout.write(r.stdout);
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? 0);
const ran = count('tests') - count('skipped');
if (r.status === 0 && ran < 40) {
  process.stderr.write(`test:binary: only ${ran} tests ran through the binary; were suites renamed? (scripts/test-binary.mjs)\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
