/**
 * Entry point: normalises argv, runs the command tree, and turns any error into one stderr line
 * and an exit status (see report.ts). Batch mode runs here, on the same session.
 */
import type { Command } from 'commander';
import { normalizeArgv } from './argv.js';
import { readBatchFile, runBatch } from './batch.js';
import type { CommandContext } from './context.js';
import { resolveOutput } from './output.js';
import { buildProgram } from './program.js';
import { describeError, EXIT_OK, EXIT_REFUSED } from './report.js';
import { UsageError } from '../netlink/errors.js';
import { Session } from './session.js';
import { traceToStderr } from './trace.js';

declare const MPTCPCTL_VERSION: string | undefined;
const version = typeof MPTCPCTL_VERSION === 'string' ? MPTCPCTL_VERSION : '0.0.0-dev';

interface GlobalOptions {
  netns?: string;
  json?: boolean;
  pretty?: boolean;
  format?: string;
  color?: string;
  verbose?: boolean;
  oneline?: boolean;
  batch?: string;
  force?: boolean;
  debug?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let session: Session | undefined;
  let debug = argv.includes('--debug') || argv.includes('-debug');
  const contextFor = (opts: GlobalOptions): CommandContext => {
    debug = opts.debug ?? debug;
    session ??= new Session(opts.netns, opts.debug ? traceToStderr : undefined);
    return {
      out: resolveOutput(opts, process.stdout.isTTY === true, process.env),
      session,
      verbose: opts.verbose ?? false,
      write: (text) => void process.stdout.write(text),
      note: (text) => void process.stderr.write(`${text}\n`),
    };
  };
  try {
    const program = buildProgram(version, async (command: Command) => contextFor(command.optsWithGlobals<GlobalOptions>()));
    let exitCode = EXIT_OK;
    program
      .exitOverride()
      .configureOutput({ outputError: (text, write) => write(`mptcpctl: ${text.replace(/^error: /, '')}`) })
      .action(async () => {
        const opts = program.opts<GlobalOptions>();
        if (!opts.batch) throw new UsageError('no command given (try `mptcpctl --help`)');
        const ctx = contextFor(opts);
        const failures = await runBatch(ctx, readBatchFile(opts.batch), opts.force ?? false, ({ line, error }) => {
          const { message } = describeError(error);
          if (message) process.stderr.write(`mptcpctl: ${opts.batch}:${line}: ${message}\n`);
        });
        if (failures.length) exitCode = describeError(failures[0]!.error).exitCode || EXIT_REFUSED;
      });
    // Subcommands copied the root's settings when they were made, before these were set: without
    // this, a commander error inside one (`monitor extra`) would exit by itself, unprefixed.
    const subcommands = (c: Command): Command[] => c.commands.flatMap((sub) => [sub, ...subcommands(sub)]);
    for (const sub of subcommands(program)) sub.exitOverride().configureOutput(program.configureOutput());
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
    return exitCode;
  } catch (err) {
    const { message, exitCode } = describeError(err);
    if (message) process.stderr.write(`mptcpctl: ${message}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCode;
  } finally {
    await (session as Session | undefined)?.close();
  }
}

// A closed pipe (`mptcpctl ... | head`) is a normal way for a reader to stop.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_OK);
  throw err;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
