/**
 * Long-running monitors for kernel tests and the storm benchmark: `mptcpctl monitor` and
 * `ip mptcp monitor` side by side in one namespace. Each child is ended by its PID (stop(), else
 * test/helpers/reaper.ts); `ready()` waits until its socket has joined the
 * events group, so no event of the test's own actions is missed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cliCommand } from './cli.js';
import { reap } from './reaper.js';

const NETLINK_GENERIC = 16;

/** Inodes of the generic netlink sockets in `netns` that are members of `group`. */
function memberInodes(netns: string, group: number): Set<string> {
  const table = spawnSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/netlink'], { encoding: 'utf8' }).stdout ?? '';
  const inodes = new Set<string>();
  for (const cols of table.split('\n').slice(1).map((l) => l.trim().split(/\s+/))) {
    if (Number(cols[1]) === NETLINK_GENERIC && (parseInt(cols[3] ?? '0', 16) & (1 << (group - 1))) !== 0) inodes.add(cols.at(-1)!);
  }
  return inodes;
}

/** Inodes of the sockets process `pid` holds. */
function socketInodes(pid: number): string[] {
  const inodes: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.push(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

export interface MonitorProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Complete stdout lines so far (without their newline). */
  readonly lines: string[];
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Waits until the process has joined the events group (group id from the family). */
  ready(group: number): Promise<void>;
  /** Waits until `done(lines)` holds; the limit only turns a hang into a failure. */
  waitFor(what: string, done: (lines: string[]) => boolean, limitMs?: number): Promise<void>;
  /** Sends `signal` (SIGTERM) and waits for the exit; SIGKILL if it takes longer than 10 s. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** CPU seconds its threads have run so far (from /proc, to the nanosecond; undefined once it has exited). */
  cpuSeconds(): number | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function watch(child: ChildProcessWithoutNullStreams, netns: string): MonitorProcess {
  const pid = reap(child).pid!;
  const lines: string[] = [];
  let out = '';
  let partial = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const failure = (): Error | undefined => (child.exitCode !== null || child.signalCode !== null ? new Error(`monitor exited early: ${err}`) : undefined);
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    // This very process must have joined: another monitor's membership says nothing about it.
    async ready(group) {
      if (group < 1 || group > 32) throw new Error(`group ${group} is not visible in /proc/net/netlink`);
      const deadline = Date.now() + 10000;
      for (;;) {
        const e = failure();
        if (e) throw e;
        const members = memberInodes(netns, group);
        if (socketInodes(pid).some((inode) => members.has(inode))) return;
        if (Date.now() > deadline) throw new Error(`monitor ${pid} did not join group ${group} in ${netns}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async waitFor(what, done, limitMs = 60000) {
      const deadline = Date.now() + limitMs;
      while (!done(lines)) {
        const e = failure();
        if (e) throw e;
        if (Date.now() > deadline) throw new Error(`monitor in ${netns}: ${what} not seen; got ${lines.length} lines: ${lines.slice(-5).join(' | ')}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, signal);
        const timer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 10000);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
    cpuSeconds() {
      // Every thread's run time in nanoseconds (the first field of /proc/PID/task/TID/schedstat):
      // /proc/PID/stat counts in clock ticks (10 ms), too coarse for a few thousand events.
      try {
        let ns = 0;
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          try {
            ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
          } catch {
            // the thread ended meanwhile
          }
        }
        return ns / 1e9;
      } catch {
        return undefined;
      }
    },
    exited,
  };
}

/** `mptcpctl -n NETNS monitor ARGS...` (the built CLI, or `command`: another build, for benchmarks). */
export function startMptcpctlMonitor(netns: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, command: readonly string[] = cliCommand): MonitorProcess {
  const cenv = { ...process.env, ...env };
  delete cenv['FORCE_COLOR'];
  const child = spawn(command[0]!, [...command.slice(1), '-n', netns, 'monitor', ...args], { env: cenv });
  return watch(child, netns);
}

/**
 * The same with `--ready-fd 3`: resolves once the monitor said it is ready (subscribed, options
 * checked, everything loaded that its first event needs but the code compiled on first use).
 */
export async function startReadyMptcpctlMonitor(netns: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<MonitorProcess> {
  const cenv = { ...process.env, ...env };
  delete cenv['FORCE_COLOR'];
  const child = spawn(cliCommand[0]!, [...cliCommand.slice(1), '-n', netns, 'monitor', '--ready-fd', '3', ...args], { env: cenv, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const monitor = watch(child as ChildProcessWithoutNullStreams, netns);
  let said = '';
  await new Promise<void>((resolve, reject) => {
    const readiness = child.stdio[3] as NodeJS.ReadableStream;
    readiness.on('data', (d: Buffer) => (said += d.toString()));
    readiness.once('end', () => (said === 'READY=1\n' ? resolve() : reject(new Error(`monitor not ready (${JSON.stringify(said)}): ${monitor.stderr()}`))));
  });
  return monitor;
}

/** `ip -n NETNS mptcp monitor` (iproute2 as installed: 6.1 on the development machines). */
export function startIpMonitor(netns: string, ipArgs: string[] = []): MonitorProcess {
  return watch(spawn('ip', ['-n', netns, ...ipArgs, 'mptcp', 'monitor']), netns);
}

/** How many lines of each event kind: `[  SF_ESTABLISHED] ...` (any width) or `{"event":"X",...}`. */
export function countEvents(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const kind = line.startsWith('{') ? (JSON.parse(line) as { event: string }).event : /^\[ *([^\]]+)\]/.exec(line)?.[1];
    if (kind !== undefined) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}
