/**
 * The built CLI as a long-running child process, for fault tests: output collected as it comes,
 * signals sent by PID, and every child ended by test/helpers/reaper.ts if the test did not.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cliCommand } from './cli.js';
import { reap } from './reaper.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Waits for the exit; SIGKILL after `limitMs` only turns a hang into a failure. */
  exit(limitMs?: number): Promise<Exit>;
  /** Waits until `done()` holds, or fails after `limitMs` (a hang guard, not a timing check). */
  until(what: string, done: () => boolean, limitMs?: number): Promise<void>;
}

/** `mptcpctl ARGS...`; stdin gets `input` and is closed, unless `stdio` says otherwise. */
export function spawnCli(args: string[], options: { input?: string; stdio?: StdioOptions; env?: NodeJS.ProcessEnv } = {}): Spawned {
  const env = { ...process.env, ...options.env };
  delete env['FORCE_COLOR'];
  const child = reap(spawn(cliCommand[0]!, [...cliCommand.slice(1), ...args], { env, stdio: options.stdio ?? 'pipe' }));
  const pid = child.pid!;
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  // A reader that went away on purpose (a SIGPIPE test) must not fail the test process.
  child.stdout?.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  if (child.stdin) {
    if (options.input !== undefined) child.stdin.end(options.input);
  }
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    async exit(limitMs = 30_000) {
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, limitMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    async until(what, done, limitMs = 30_000) {
      const deadline = Date.now() + limitMs;
      while (!done()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`mptcpctl ${args.join(' ')} exited before ${what}: ${err}`);
        if (Date.now() > deadline) throw new Error(`mptcpctl ${args.join(' ')}: ${what} not seen; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** How many generic netlink sockets in `netns` are members of multicast group `group` (from /proc/net/netlink). */
export function groupMembers(netns: string, group: number): number {
  const table = spawnSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/netlink'], { encoding: 'utf8' }).stdout ?? '';
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => Number(cols[1]) === 16 && (parseInt(cols[3] ?? '0', 16) & (1 << (group - 1))) !== 0).length;
}

export const hasGroupMember = (netns: string, group: number): boolean => groupMembers(netns, group) > 0;

/** PIDs of live processes whose command line contains every one of `parts` (read from /proc; nothing is signalled). */
export function processesWith(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (parts.every((p) => cmdline.includes(p))) pids.push(Number(entry));
  }
  return pids;
}
