/**
 * Every long-running child process a test starts, registered here and ended by its PID (never by
 * name): when the test file's tests are over (node:test's `after`, which also runs when a test
 * failed) and, as a last resort, when this process exits. A test ends its children itself when it
 * can (stop(), SIGTERM and the exit status it checks); this is for what a failure left behind.
 * Benchmarks that borrow the helpers (bench/) get only the exit-time ending: a hook of node:test
 * would start a test run there.
 */
import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';

/** PID -> command line, of the children that have not exited yet. */
const running = new Map<number, string>();

/** Registers `child` (once it exits it is forgotten) and returns it. */
export function reap<C extends ChildProcess>(child: C): C {
  const pid = child.pid;
  if (pid === undefined) return child; // never started: spawn reports the error itself
  running.set(pid, child.spawnargs.join(' '));
  child.once('exit', () => running.delete(pid));
  return child;
}

/**
 * SIGKILLs every registered child still running, now (e.g. before a suite deletes the namespace
 * they run in); returns their command lines.
 */
export function endChildren(): string[] {
  const ended: string[] = [];
  for (const [pid, command] of running) {
    try {
      process.kill(pid, 'SIGKILL');
      ended.push(command);
    } catch {
      // gone, not yet reported
    }
  }
  running.clear();
  return ended;
}

/** Command lines of the children the file's `after` had to end: what outlived its test. */
export const outlived: string[] = [];

// Under the test runner (which sets NODE_TEST_CONTEXT for each file it runs).
if (process.env['NODE_TEST_CONTEXT']) after(() => void outlived.push(...endChildren()));
process.on('exit', () => endChildren());
