/** Runs the built CLI (dist/mptcpctl.cjs) as a child process, as scripts would. */
import { spawnSync } from 'node:child_process';
import { cliBundle } from './paths.js';

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
  const result = spawnSync(process.execPath, [cliBundle, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...env, ...options.env },
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}
