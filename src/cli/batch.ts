/**
 * `-b FILE`: one command per line on one shared session (one netlink socket), like `ip -batch`.
 * Stops at the first failing line (naming it), or with --force runs every line and fails at the end.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../netlink/errors.js';
import { expandCommandWords, splitBatchLine, verbs } from './argv.js';
import type { CommandContext } from './context.js';
import { actions } from './program.js';

export interface BatchOptions {
  file: string;
  force: boolean;
}

export interface BatchFailure {
  line: number;
  error: unknown;
}

/** Reads the batch file ('-' = stdin). */
export function readBatchFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read batch file "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Runs every line; `report` is told of each failure (with its line number) as it happens.
 * Returns the failures (at most one without `force`).
 */
export async function runBatch(ctx: CommandContext, text: string, force: boolean, report: (f: BatchFailure) => void): Promise<BatchFailure[]> {
  const failures: BatchFailure[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    try {
      const words = splitBatchLine(lines[n]!);
      if (words[0] === 'mptcpctl') words.shift();
      if (words.length === 0) continue;
      if (words[0]!.startsWith('-')) throw new UsageError(`options are not allowed on batch lines (give them on the command line): ${words[0]}`);
      const [object, ...rest] = expandCommandWords(words);
      // An object without verbs (announce, remove) is its own only verb and keeps all its words.
      const verb = verbs[object!] ? rest.shift() : object;
      const action = actions[object!]?.[verb ?? ''];
      if (!action) throw new UsageError(`"${[object, verb === object ? undefined : verb].filter(Boolean).join(' ')}" cannot be used in a batch file`);
      await action(ctx, rest);
    } catch (error) {
      const failure = { line: n + 1, error };
      failures.push(failure);
      report(failure);
      if (!force) break;
    }
  }
  return failures;
}
