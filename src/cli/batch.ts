/**
 * `-b FILE`: one command per line on one shared session (one netlink socket), like `ip -batch`.
 * Stops at the first failing line (naming it), or with --force runs every line and fails at the end.
 */
import { createReadStream } from 'node:fs';
import { UsageError } from '../netlink/errors.js';
import { expandCommandWords, splitBatchLine, verbs } from './argv.js';
import { quote } from './grammar.js';
import type { CommandContext } from './context.js';
import { findAction } from './actions.js';
import { TimeSlice } from '../util/time-slice.js';

export interface BatchFailure {
  line: number;
  error: unknown;
}

/**
 * The most a batch file may hold. `-b /dev/zero` or a runaway pipe would otherwise be read
 * into memory without end; 64 MiB is about 1.5 million command lines.
 */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/**
 * Reads the batch file ('-' = `stdin`), asynchronously (so SIGINT/SIGTERM are handled while it
 * waits on a terminal or a pipe) and at most `maxBytes` of it.
 */
export async function readBatchFile(file: string, stdin: AsyncIterable<Uint8Array | string>, maxBytes = MAX_BATCH_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of file === '-' ? stdin : createReadStream(file)) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      total += bytes.length;
      if (total > maxBytes) throw new UsageError(`batch file ${quote(file)} is larger than ${maxBytes} bytes`);
      chunks.push(bytes);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch file ${quote(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

export interface BatchResult {
  /** At most one without `force`. */
  failures: BatchFailure[];
  /**
   * Lines that got past their grammar (so may have reached the kernel): all but the blank ones,
   * the comments and those refused with a UsageError, which is always found before anything is
   * sent. When this is not 0, a usage error on another line cannot claim that nothing was sent.
   */
  reachedKernel: number;
}

/**
 * Longest stretch of lines run back to back before signal handlers and timers get a turn: the
 * kernel answers at once, so a batch would otherwise run on microtasks alone and hold off
 * SIGINT/SIGTERM until its last line.
 */
const SLICE_MS = 20;

/** Runs every line; `report` is told of each failure (with its line number) as it happens. */
export async function runBatch(ctx: CommandContext, text: string, force: boolean, report: (f: BatchFailure) => void): Promise<BatchResult> {
  const failures: BatchFailure[] = [];
  let reachedKernel = 0;
  const lines = text.split('\n');
  const slice = new TimeSlice(SLICE_MS);
  for (let n = 0; n < lines.length; n++) {
    if (slice.due()) await slice.nextTurn();
    try {
      const words = splitBatchLine(lines[n]!);
      if (words[0] === 'mptcpctl') words.shift();
      if (words.length === 0) continue;
      if (words[0]!.startsWith('-')) throw new UsageError(`options are not allowed on batch lines (give them on the command line): ${quote(words[0]!)}`);
      const expanded = expandCommandWords(words);
      const call = findAction(expanded);
      if (!call) {
        const named = expanded.length ? expanded.slice(0, verbs[expanded[0]!] ? 2 : 1) : words;
        throw new UsageError(`${quote(named.join(' '))} cannot be used in a batch file`);
      }
      await call.action(ctx, call.words);
      reachedKernel++;
    } catch (error) {
      if (!(error instanceof UsageError)) reachedKernel++;
      const failure = { line: n + 1, error };
      failures.push(failure);
      report(failure);
      if (!force) break;
    }
  }
  return { failures, reachedKernel };
}
