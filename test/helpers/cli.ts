/**
 * Runs the built CLI (dist/mptcpctl.cjs) as a child process, as scripts would; or, with
 * MPTCPCTL_BIN set (scripts/test-binary.mjs), that executable instead, so the same tests check
 * the single-file binary.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { cliBundle } from './paths.js';

/** The command that runs the CLI: the program and the arguments before mptcpctl's own. */
export const cliCommand: readonly string[] = process.env['MPTCPCTL_BIN'] ? [resolve(process.env['MPTCPCTL_BIN'])] : [process.execPath, cliBundle];

export interface CliResult {
  stdout: string;
  stderr: string;
  status: number | null;
}

export interface CliOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export function runCli(args: string[], options: CliOptions = {}): CliResult {
  const env = { ...process.env, ...options.env };
  delete env['FORCE_COLOR'];
  const result = spawnSync(cliCommand[0]!, [...cliCommand.slice(1), ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...env, ...options.env },
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}
