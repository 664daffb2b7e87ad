/**
 * Entry point: wires the process (argv, stdout/stderr, stdin, exit status, signals) to runCli
 * (run.ts), where everything else happens.
 */
import { fstatSync } from 'node:fs';
import { describeOutputError } from './output/error-report.js';
import { runCli } from './run.js';
import { writeAll } from './output/stdout.js';
import { isTerminal, terminalColumns } from '../sys/tty.js';

// A failed write to stdout ends the run at once: a closed pipe (`mptcpctl ... | head`) is a
// normal way for a reader to stop (exit 0, silently); a full disk or an I/O error is reported
// (exit 1). A write is never left half-done: each record goes out in one synchronous write.
// Held output (a batch file, CliIo.hold) goes out in pieces of this many characters at most.
const HELD_CHARS = 16 * 1024;
let held: string | undefined;

const stdout = {
  write(text: string): void {
    if (held === undefined) return writeOut(text);
    held += text;
    if (held.length >= HELD_CHARS) stdout.flush();
  },
  hold(): void {
    held ??= '';
  },
  release(): void {
    stdout.flush();
    held = undefined;
  },
  /** Writes what is held (before stderr, a signal, the end). */
  flush(): void {
    if (!held) return;
    const text = held;
    held = '';
    writeOut(text);
  },
};

function writeOut(text: string): void {
  try {
    writeAll(1, text);
  } catch (err) {
    const { message, exitCode } = describeOutputError(err);
    if (message) stderr.write(`mptcpctl: ${message}\n`);
    process.exit(exitCode);
  }
}

const stderr = {
  write(text: string): void {
    // What was printed before goes first, as the lines ran.
    stdout.flush();
    try {
      writeAll(2, text);
    } catch {
      // Nowhere left to report a broken stderr: carry on, the exit status still tells.
    }
  },
};

// SIGINT/SIGTERM end a command at the next turn of the event loop, never inside a write, so
// output stops at a record boundary; then the process dies of that signal as the shell expects
// (status 130/143). The monitor handles both itself (a normal end, status 0).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  const onSignal = (): void => {
    if (process.listenerCount(signal) > 1) return;
    // The lines that ran keep their output.
    stdout.flush();
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  };
  process.on(signal, onSignal);
}

// process.stdin is only touched for `-b -`: opening it for nothing could hold up the exit.
const stdin: AsyncIterable<Uint8Array | string> = { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() };
const io = {
  stdout,
  stderr,
  env: process.env,
  stdin,
  stdinIsFile(): boolean {
    try {
      return fstatSync(0).isFile();
    } catch {
      return false;
    }
  },
  // Asked only when a command decides its output format (libc, already loaded for the kernel).
  get isTTY(): boolean {
    return isTerminal(1);
  },
  columns: () => terminalColumns(1),
};
runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
