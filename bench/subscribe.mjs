// How soon `mptcpctl monitor` listens: the time from its execve to its joining the events group
// (the NETLINK_ADD_MEMBERSHIP setsockopt; from then on the kernel queues every event for it),
// against the whole run of `node -e 0`, both under the same strace (-f, timestamps, the same
// filter), medians of interleaved runs. Target (issue #17): <= 1.15x node -e 0.
//   node bench/subscribe.mjs [OTHER/bin/mptcpctl ...]   (RUNS, default 31)
// Other builds named on the command line are measured in the same rounds (e.g. the code before
// a change, built elsewhere), each as a ratio against the same reference.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, fmt, makeNetns, median, timeOnce } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.RUNS ?? 31);
const bins = [`${root}bin/mptcpctl`, ...process.argv.slice(2).map((p) => resolve(p))];
const traceFile = join(tmpdir(), `mptcpctl-subscribe-${process.pid}.strace`);
// -T: each call's time in the kernel, for the family request's sendto (below).
const strace = (command, args) => ['strace', ['-f', '-ttt', '-T', '-e', 'trace=execve,setsockopt,sendto,exit_group', '-o', traceFile, command, ...args]];

/**
 * Milliseconds from the first execve of a traced run to the first line that `until` matches, and
 * of that the time the kernel took to answer requests (sendto's -T) before it: on a machine busy
 * with other netlink work, the family request alone has taken 30-70 ms (ip's too).
 */
function traced(command, args, until) {
  const [program, straceArgs] = strace(command, args);
  const r = spawnSync(program, straceArgs, { env: benchEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed under strace (${r.status}): ${r.stderr}`);
  const lines = readFileSync(traceFile, 'utf8').split('\n');
  // Lines are `PID SECONDS.MICROS call(...)`.
  const at = (line) => Number(line.split(/\s+/)[1]) * 1000;
  const start = lines.find((l) => l.includes('execve('));
  const endIndex = lines.findIndex(until);
  if (!start || endIndex < 0) throw new Error(`${command}: no ${start ? 'end' : 'execve'} in its trace`);
  const inKernel = lines
    .slice(0, endIndex)
    // Another thread's call between a call's start and end splits it: `sendto(... <unfinished ...>`,
    // then `<... sendto resumed> ... <0.000123>`; the time is on the line that ends it.
    .filter((l) => l.includes(' sendto(') || l.includes('<... sendto resumed>'))
    .reduce((sum, l) => sum + Number(/<([0-9.]+)>$/.exec(l)?.[1] ?? 0) * 1000, 0);
  return { ms: at(lines[endIndex]) - at(start), inKernel };
}

const ns = makeNetns('subscribe');
try {
  const node = [];
  const nodeUntraced = [];
  const monitors = bins.map(() => []);
  // The whole run, as the process exits: its last thread's exit.
  const exited = (l) => /\+\+\+ exited with 0 \+\+\+/.test(l);
  const joined = (l) => l.includes('NETLINK_ADD_MEMBERSHIP');
  const requests = bins.map(() => []);
  for (let i = 0; i < runs; i++) {
    node.push(traced(process.execPath, ['-e', '0'], exited).ms);
    nodeUntraced.push(timeOnce(process.execPath, ['-e', '0']));
    // --timeout: the monitor ends by itself shortly after it has joined.
    bins.forEach((bin, j) => {
      const { ms, inKernel } = traced(bin, ['-n', ns.name, 'monitor', '--timeout', '0.01'], joined);
      monitors[j].push(ms);
      requests[j].push(inKernel);
    });
  }
  const reference = median(node);
  const plain = median(nodeUntraced);
  console.log(`subscribed (execve -> NETLINK_ADD_MEMBERSHIP) vs node -e 0 (execve -> exit), both under strace -f; medians of ${runs} interleaved runs (node ${process.version})`);
  console.log(`  node -e 0 under strace ${fmt(reference)} (range ${fmt(Math.min(...node))} - ${fmt(Math.max(...node))}); without strace ${fmt(plain)}`);
  // The reference must be a real Node start, which strace slows a little (not many times over);
  // the two are timed apart, so on a busy machine noise may put the traced one below.
  if (!(reference >= 0.5 * plain && reference <= 4 * plain && plain >= 10)) {
    console.log(`  reference broken (node -e 0 ${fmt(reference)} under strace against ${fmt(plain)} without): no ratio reported`);
    process.exitCode = 1;
  } else {
    bins.forEach((bin, j) => {
      const m = median(monitors[j]);
      const ownMs = median(monitors[j].map((ms, i) => ms - requests[j][i]));
      console.log(`  ${bin.replace(root, '').padEnd(30)} subscribed at ${fmt(m).padStart(9)} (range ${fmt(Math.min(...monitors[j]))} - ${fmt(Math.max(...monitors[j]))})  ${(m / reference).toFixed(2)}x node -e 0`);
      console.log(`  ${''.padEnd(30)} of which the kernel answering its requests: median ${fmt(median(requests[j]))}; without that ${fmt(ownMs)}, ${(ownMs / reference).toFixed(2)}x`);
    });
  }
} finally {
  rmSync(traceFile, { force: true });
  ns.remove();
}
