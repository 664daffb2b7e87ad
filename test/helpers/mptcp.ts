/**
 * Real MPTCP connections between test namespaces, made by test/helpers/mptcp_peer.py.
 * Every process started here is ended by its PID in `stop()`, else by test/helpers/reaper.ts.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { repoRoot } from './paths.js';
import { reap } from './reaper.js';

const peerScript = resolve(repoRoot, 'test/helpers/mptcp_peer.py');

export interface Peer {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the next stdout line that starts with `word`. */
  waitFor(word: string, timeoutMs?: number): Promise<string>;
  /** Writes a line to the peer's stdin. */
  send(line: string): void;
  /** Ends the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

function startPeer(netns: string, args: string[]): Peer {
  const child = reap(spawn('ip', ['netns', 'exec', netns, 'python3', '-u', peerScript, ...args]));
  const lines: string[] = [];
  const waiters: { word: string; resolve: (l: string) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.word));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    else lines.push(line);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    waitFor(word, timeoutMs = 10000) {
      const i = lines.findIndex((l) => l.startsWith(word));
      if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]!);
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`peer ${args.join(' ')}: no "${word}" line; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ word, resolve: (l) => { clearTimeout(timer); resolvePromise(l); } });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`peer ${args.join(' ')} exited ${code} before "${word}"; stderr: ${stderr}`)); });
      });
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** An MPTCP echo server in `netns` on ADDR:PORT (with `tcp`: a plain TCP one); resolves once it listens. */
export async function startServer(netns: string, address: string, port: number, protocol: 'mptcp' | 'tcp' = 'mptcp'): Promise<Peer> {
  const peer = startPeer(netns, ['server', address, String(port), ...(protocol === 'tcp' ? ['tcp'] : [])]);
  await peer.waitFor('listening');
  return peer;
}

/** An MPTCP client in `netns` connected to ADDR:PORT; resolves once the first echo came back. */
export async function startClient(netns: string, address: string, port: number, bind?: string): Promise<Peer> {
  const peer = startPeer(netns, ['client', address, String(port), ...(bind ? [bind] : [])]);
  await peer.waitFor('echoed');
  return peer;
}

/** Opens and closes `count` connections in sequence; resolves when done. */
export async function runStorm(netns: string, address: string, port: number, count: number, timeoutMs = 120000): Promise<void> {
  const peer = startPeer(netns, ['storm', address, String(port), String(count)]);
  try {
    await peer.waitFor('done', timeoutMs);
  } finally {
    await peer.stop();
  }
}
