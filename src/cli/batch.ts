/**
 * `-b FILE`: one command per line on one shared session (one netlink socket), like `ip -batch`.
 *
 * A regular file (also as standard input, `-b - < FILE`) is checked whole before its first line
 * runs: a usage error on any line is reported with its line number and nothing is sent (with
 * --force the bad lines are reported and skipped, the others run). A stream (a pipe, a terminal,
 * a FIFO) is run line by line as each line arrives, each checked just before it runs, its output
 * written at once: a script can drive mptcpctl as a coprocess, reading each answer before it
 * writes the next line. Either way the run stops at the first failing line (naming it), or with
 * --force runs every line and fails at the end.
 */
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { quote } from './grammar/words.js';
import { expandCommandWords, splitBatchLine } from './argv.js';
import type { CommandContext } from './context.js';
import { entryOf, findAction, verbWords, type CheckedRun } from './table/commands.js';
import type { Session } from './session.js';
import { TimeSlice } from '../util/time-slice.js';

export interface BatchFailure {
  line: number;
  error: unknown;
}

/**
 * The most a regular batch file may hold (it is read whole): 64 MiB is about 1.5 million
 * command lines.
 */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/**
 * The longest line a stream may send: a stream is not held in memory, but a line is, and
 * `-b /dev/zero` would otherwise be one endless line.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/** Where a batch comes from: a file's whole text, or a stream to run as it arrives. */
export type BatchSource = { text: string } | { stream: AsyncIterable<Uint8Array | string> };

const tooLarge = (file: string, maxBytes: number): UsageError => new UsageError(`batch file ${quote(file)} is larger than ${maxBytes} bytes`);

const cannotRead = (file: string, err: unknown): UsageError =>
  new UsageError(`cannot read batch file ${quote(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);

/**
 * The batch `file` as a source: read whole when it is a regular file, else a stream.
 * `stdinIsFile` says whether standard input (fd 0) is a regular file (asked only for '-'). A
 * regular file is read synchronously: it never waits, and a stream would load Node's streams
 * modules, a good part of a short batch's start.
 */
export async function openBatch(
  file: string,
  stdin: AsyncIterable<Uint8Array | string>,
  stdinIsFile: () => boolean,
  maxBytes = MAX_BATCH_BYTES,
): Promise<BatchSource> {
  if (file === '-') return stdinIsFile() ? { text: readRegularFile(file, 0, maxBytes) } : { stream: stdin };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw cannotRead(file, err);
  }
  try {
    if (fstatSync(fd).isFile()) return { text: readRegularFile(file, fd, maxBytes) };
  } catch (err) {
    throw err instanceof UsageError ? err : cannotRead(file, err);
  } finally {
    closeSync(fd);
  }
  return { stream: readingErrors(file, createReadStream(file)) };
}

/** The rest of regular file `fd` as text, at most `maxBytes`. */
function readRegularFile(file: string, fd: number, maxBytes: number): string {
  let bytes: Buffer;
  try {
    if (fstatSync(fd).size > maxBytes) throw tooLarge(file, maxBytes);
    bytes = readFileSync(fd);
  } catch (err) {
    throw err instanceof UsageError ? err : cannotRead(file, err);
  }
  // It may have grown since fstat.
  if (bytes.length > maxBytes) throw tooLarge(file, maxBytes);
  return bytes.toString('utf8');
}

/** A file stream whose read errors are usage errors naming the file, as for a whole file. */
async function* readingErrors(file: string, stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  try {
    yield* stream;
  } catch (err) {
    throw cannotRead(file, err);
  }
}

/** The lines of a stream as they arrive (the last one also without its newline). */
async function* streamLines(stream: AsyncIterable<Uint8Array | string>, maxChars: number): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      yield pending.slice(start, end);
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxChars) throw new UsageError(`a batch line is longer than ${maxChars} characters`);
  }
  pending += decoder.decode();
  if (pending !== '') yield pending;
}

/**
 * A batch line checked (a UsageError otherwise) and ready to run; undefined for a blank line or
 * a comment. A promise only when the check had to look something up (`dev NAME`, lazily loaded
 * grammars).
 */
export function checkBatchLine(session: Session, line: string): Promise<CheckedRun> | CheckedRun | undefined {
  const words = splitBatchLine(line);
  if (words[0] === 'mptcpctl') words.shift();
  if (words.length === 0) return undefined;
  if (words[0]!.startsWith('-')) throw new UsageError(`options are not allowed on batch lines (give them on the command line): ${quote(words[0]!)}`);
  const expanded = expandCommandWords(words);
  const call = findAction(expanded);
  if (!call) {
    const named = expanded.length ? expanded.slice(0, verbWords(expanded[0]!) ? 2 : 1) : words;
    throw new UsageError(`${quote(named.join(' '))} cannot be used in a batch file`);
  }
  const onWords: CheckedRun = (ctx) => call.action(ctx, call.words);
  // The verb's own check (the command table's): a usage error here leaves everything as it was.
  const checked = entryOf(call.object)!.verbs[call.verb]!.check(session, call.words);
  return checked instanceof Promise ? checked.then((run) => run ?? onWords) : (checked ?? onWords);
}

export interface BatchResult {
  /** At most one without `force`, or all the bad lines of a file checked whole. */
  failures: BatchFailure[];
  /**
   * Lines that got past their check (so may have reached the kernel), or whose check failed
   * with something other than a UsageError: all but the blank ones, the comments and those
   * refused with a UsageError. When this is not 0, a usage error on another line cannot claim
   * that nothing was sent.
   */
  reachedKernel: number;
}

/**
 * Longest stretch of lines run back to back before signal handlers and timers get a turn: the
 * kernel answers at once, so a batch would otherwise run on microtasks alone and hold off
 * SIGINT/SIGTERM until its last line.
 */
const SLICE_MS = 20;

/** Runs the batch; `report` is told of each failure (with its line number) as it is found. */
export async function runBatch(ctx: CommandContext, source: BatchSource, force: boolean, report: (f: BatchFailure) => void): Promise<BatchResult> {
  const result: BatchResult = { failures: [], reachedKernel: 0 };
  const slice = new TimeSlice(SLICE_MS);
  /** Records a failure; says whether to go on. */
  const fail = (line: number, error: unknown): boolean => {
    // Anything but a usage error came from the system (a check may read the interface list too).
    if (!(error instanceof UsageError)) result.reachedKernel++;
    const failure = { line, error };
    result.failures.push(failure);
    report(failure);
    return force;
  };

  if ('text' in source) {
    const lines = source.text.split('\n');
    const checked: (CheckedRun | undefined)[] = new Array(lines.length);
    let bad = false;
    for (let n = 0; n < lines.length; n++) {
      if (slice.due()) await slice.nextTurn();
      try {
        const line = checkBatchLine(ctx.session, lines[n]!);
        checked[n] = line instanceof Promise ? await line : line;
      } catch (error) {
        bad = true;
        fail(n + 1, error);
      }
    }
    if (bad && !force) return result;
    for (let n = 0; n < lines.length; n++) {
      if (slice.due()) await slice.nextTurn();
      const line = checked[n];
      if (!line) continue;
      try {
        await line(ctx);
        result.reachedKernel++;
      } catch (error) {
        if (!fail(n + 1, error)) break;
      }
    }
    return result;
  }

  let n = 0;
  try {
    for await (const line of streamLines(source.stream, MAX_LINE_CHARS)) {
      n++;
      if (slice.due()) await slice.nextTurn();
      let checked: CheckedRun | undefined;
      try {
        const pending = checkBatchLine(ctx.session, line);
        checked = pending instanceof Promise ? await pending : pending;
      } catch (error) {
        if (fail(n, error)) continue;
        break;
      }
      if (!checked) continue;
      try {
        await checked(ctx);
        result.reachedKernel++;
      } catch (error) {
        if (!fail(n, error)) break;
      }
    }
  } catch (error) {
    // The stream itself failed (unreadable, a line too long): the line it was on.
    fail(n + 1, error);
  }
  return result;
}
