/**
 * Thousands of idle MPTCP connections, made by test/helpers/mptcp_hold.py. Every process started
 * here is ended by its PID in `stop()`, else by test/helpers/reaper.ts.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { repoRoot } from './paths.js';
import { reap } from './reaper.js';

const script = resolve(repoRoot, 'test/helpers/mptcp_hold.py');

export interface Holder {
  pid: number;
  /** Closes stdin (the script then closes its sockets and exits), then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

function start(netns: string, args: string[], ready: string, timeoutMs: number): Promise<Holder> {
  // `ip netns exec` execs python in place, so the child's PID is python's own.
  const child = reap(spawn('ip', ['netns', 'exec', netns, 'python3', '-u', script, ...args]));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const holder: Holder = {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void holder.stop();
      reject(new Error(`mptcp_hold.py ${args.join(' ')}: no "${ready}" within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(ready)) return;
      clearTimeout(timer);
      resolvePromise(holder);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mptcp_hold.py ${args.join(' ')} exited ${code}; stderr: ${stderr}`));
    });
  });
}

/** An MPTCP listener on ADDR:PORT that accepts and keeps every connection. */
export function holdServer(netns: string, address: string, port: number): Promise<Holder> {
  return start(netns, ['serve', address, String(port)], 'listening', 10000);
}

/** COUNT MPTCP connections to ADDR:PORT, each with one byte sent, kept open. */
export function holdClients(netns: string, address: string, port: number, count: number): Promise<Holder> {
  return start(netns, ['connect', address, String(port), String(count)], 'ready', 120000);
}
