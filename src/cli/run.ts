/**
 * The whole CLI as a function of argv and its surroundings: normalises argv, runs the line by the
 * direct route (direct.ts) or else through the command tree (program.ts, loaded only then), and
 * turns any error into one stderr line and an exit status (see output/error-report.ts). Batch mode
 * runs here, on the same session. It touches no process state of its own (main.ts wires the real
 * argv, streams and exit code), so tests run it in-process, thousands of times.
 */
import type { Command } from 'commander';
import { normalizeArgv } from './argv.js';
import { openBatch, runBatch } from './batch.js';
import type { CommandContext } from './context.js';
import { quote } from './grammar/words.js';
import { resolveOutput } from './output/format.js';
import { directBatch, directRoute } from './direct.js';
import { monitorLine } from './monitor-line.js';
import { parseMonitorOptions } from './grammar/monitor.js';
import { describeError, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, oneLine } from './output/error-report.js';
import { UsageError } from '../errors.js';
import { checkNetnsName } from '../sys/netns.js';
import { Session } from './session.js';
import { modules } from './table/modules.js';
import type { GlobalOptionValues } from './table/global-options.js';

declare const MPTCPCTL_VERSION: string | undefined;
const version = typeof MPTCPCTL_VERSION === 'string' ? MPTCPCTL_VERSION : '0.0.0-dev';

/** The completion scripts' value helper (completion/values.ts), loaded only for that line. */
const COMPLETE_COMMAND = '__complete';

/** Where the CLI reads and writes. */
export interface CliIo {
  stdout: {
    write(text: string): unknown;
    /**
     * Holds output back until `release` (or a large enough piece, or anything on stderr, or a
     * signal): for a batch file, whose lines all run at once, a write per line was a tenth of a
     * long batch's time. A batch read from a stream writes each line's output at once (a script
     * may be waiting for it).
     */
    hold?(): void;
    release?(): void;
  };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (a table and colours by default). */
  isTTY: boolean;
  /** The terminal's width in columns, when stdout is one (tables fit it). */
  columns?: () => number | undefined;
  /** Standard input, for `-b -`. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Whether standard input is a regular file (`-b -` then checks it whole first); else a stream. */
  stdinIsFile?(): boolean;
}

type GlobalOptions = GlobalOptionValues;

/** Runs one command line; resolves to the exit status. Never rejects. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // The completion scripts' value helper: hidden, outside the command tree, never an error.
  if (argv[0] === COMPLETE_COMMAND) {
    const { completeValues } = await modules.completeValues();
    return completeValues(argv.slice(1), (text) => void io.stdout.write(text));
  }
  const printError = (text: string): void => void io.stderr.write(`mptcpctl: ${oneLine(text)}\n`);
  let session: Session | undefined;
  let debug = argv.includes('--debug') || argv.includes('-debug');
  const contextFor = async (opts: GlobalOptions): Promise<CommandContext> => {
    debug = opts.debug ?? debug;
    // A bad name is a usage error, found before any namespace is opened (src/sys/netns.ts checks again).
    const problem = opts.netns === undefined ? undefined : checkNetnsName(opts.netns);
    if (problem) throw new UsageError(`invalid network namespace name ${quote(opts.netns!)}: ${problem}`);
    if (!session) {
      // The trace decoder is loaded only under --debug: it is start-up time everyone else would pay.
      const trace = opts.debug ? (await modules.trace()).createTrace((text) => void io.stderr.write(text)) : undefined;
      session = new Session(opts.netns, trace);
    }
    return {
      out: resolveOutput(opts, io.isTTY, io.env, io.columns),
      session,
      verbose: opts.verbose ?? false,
      write: (text) => void io.stdout.write(text),
      note: (text) => void io.stderr.write(`${text}\n`),
    };
  };
  /** `-b FILE`: runs the file's lines; resolves to the exit status. */
  const batch = async (opts: GlobalOptions & { batch: string }): Promise<number> => {
    const ctx = await contextFor(opts);
    const source = await openBatch(opts.batch, io.stdin, () => io.stdinIsFile?.() ?? false);
    if ('text' in source) io.stdout.hold?.();
    let result;
    try {
      result = await runBatch(ctx, source, opts.force ?? false, ({ line, error }) => {
        const { message } = describeError(error);
        if (message) printError(`${opts.batch}:${line}: ${message}`);
      });
    } finally {
      io.stdout.release?.();
    }
    const { failures, reachedKernel } = result;
    // 2 keeps its promise (nothing was sent) only if no line got that far; otherwise 1.
    const first = failures.length ? describeError(failures[0]!.error).exitCode || EXIT_REFUSED : EXIT_OK;
    return first === EXIT_USAGE && reachedKernel > 0 ? EXIT_REFUSED : first;
  };
  try {
    const normalized = normalizeArgv(argv);
    // ip-style spellings (`-d`, `-deb`) are known only after normalising.
    debug = normalized.includes('--debug');
    const direct = directRoute(normalized);
    if (direct) {
      await direct.action(await contextFor(direct.options), direct.words);
      return EXIT_OK;
    }
    const directRun = directBatch(normalized);
    if (directRun) return await batch(directRun);
    // The monitor subscribes first: the kernel queues events while commander and the renderers
    // load. Its options are checked before (a usage error opens nothing), and again by the command.
    const early = monitorLine(normalized);
    if (early) {
      const { receiveBufferBytes } = parseMonitorOptions(early.options);
      await (await contextFor(early)).session.subscribeEarly(receiveBufferBytes);
    }
    const { buildProgram } = await modules.program();
    const program = buildProgram(version, (command: Command) => contextFor(command.optsWithGlobals<GlobalOptions>()), { lazyVerbs: true });
    let exitCode = EXIT_OK;
    program
      .exitOverride()
      .configureOutput({
        writeOut: (text) => void io.stdout.write(text),
        writeErr: (text) => void io.stderr.write(text),
        // commander's errors may span lines (`(Did you mean ...?)`) and quote argv verbatim.
        outputError: (text, write) => write(`mptcpctl: ${oneLine(text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' '))}\n`),
      })
      .action(async () => {
        const opts = program.opts<GlobalOptions>();
        if (!opts.batch) throw new UsageError('no command given (try `mptcpctl --help`)');
        exitCode = await batch(opts as GlobalOptions & { batch: string });
      });
    // Subcommands copied the root's settings when they were made, before these were set: without
    // this, a commander error inside one (`monitor extra`) would exit by itself, unprefixed.
    const subcommands = (c: Command): Command[] => c.commands.flatMap((sub) => [sub, ...subcommands(sub)]);
    for (const sub of subcommands(program)) sub.exitOverride().configureOutput(program.configureOutput());
    // `-b FILE endpoint show`: ip runs FILE and silently ignores the words; refused here, before
    // anything runs, so that neither the file nor the command is taken for done when it was not.
    program.hook('preSubcommand', () => {
      const { batch } = program.opts<GlobalOptions>();
      if (batch !== undefined) {
        throw new UsageError(`-b ${quote(batch)} runs the commands in that file: give no command on the command line as well (got ${quote(program.args.join(' '))})`);
      }
    });
    await program.parseAsync(normalized, { from: 'user' });
    return exitCode;
  } catch (err) {
    const { message, exitCode, internal } = describeError(err);
    if (message) printError(message);
    // A stack only where the program is at fault: never for a usage error, a refusal or help.
    if (debug && internal && err instanceof Error && err.stack) io.stderr.write(`${await printableStack(err.stack)}\n`);
    return exitCode;
  } finally {
    await (session as Session | undefined)?.close();
  }
}

/** The stack in source files and lines (src/cli/stack.ts), or as it is if that cannot be done. */
async function printableStack(stack: string): Promise<string> {
  try {
    return (await modules.stack()).sourceMappedStack(stack);
  } catch {
    return stack;
  }
}
