/**
 * Drives the real bash, zsh and fish with a completion script, non-interactively, and returns
 * the candidates each offers for a command line. `mptcpctl` is put first on PATH (a shim that
 * runs the CLI under test), since the scripts ask it for values from the kernel.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from './cli.js';

export type ShellName = 'bash' | 'zsh' | 'fish';

export function hasShell(shell: ShellName): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

let workDir: string | undefined;
let shimDir: string | undefined;

/** This process's scratch directory, removed at exit. */
function scratch(): string {
  if (workDir) return workDir;
  const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-shells-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  workDir = dir;
  return dir;
}

/** A directory with an executable `mptcpctl` that runs the CLI under test. */
export function shimDirectory(): string {
  if (shimDir) return shimDir;
  shimDir = join(scratch(), 'bin');
  mkdirSync(shimDir);
  const quoted = cliCommand.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(join(shimDir, 'mptcpctl'), `#!/bin/sh\nexec ${quoted} "$@"\n`);
  chmodSync(join(shimDir, 'mptcpctl'), 0o755);
  return shimDir;
}

function run(command: string, args: string[], scriptFile: string): string {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${shimDirectory()}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, SCRIPT: scriptFile, HOME: scratch() },
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`${command} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

/** The script in a file (one per distinct script), for the shell to source. */
function scriptFile(script: string): string {
  const file = join(scratch(), `script-${createHash('sha256').update(script).digest('hex').slice(0, 16)}`);
  if (!existsSync(file)) writeFileSync(file, script);
  return file;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/**
 * bash: sources the script, checks `complete -p` registered it, then calls the function the way
 * readline does (COMP_WORDS, COMP_CWORD) and prints COMPREPLY. The last word is the one being
 * completed ('' after a space).
 */
export function bashCandidates(script: string, words: string[]): string[] {
  const program = `source "$SCRIPT"
spec=$(complete -p mptcpctl) || exit 3
fn=\${spec#*-F }; fn=\${fn%% *}
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
"$fn" mptcpctl "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return lines(run('bash', ['--norc', '--noprofile', '-c', program, 'bash', ...words], scriptFile(script)));
}

/**
 * zsh in scripted mode: no line editor, so compadd (the builtin that hands candidates to it) is
 * replaced by a function that prints them; words/CURRENT are set as the completion system does.
 */
export function zshCandidates(script: string, words: string[]): string[] {
  const program = `compadd() {
  while [[ $1 == -* && $1 != -- ]]; do
    case $1 in -[PSJVXdpsWrRMFx]) shift ;; esac
    shift
  done
  [[ $1 == -- ]] && shift
  print -rl -- "$@"
}
source "$SCRIPT"
words=("$@"); CURRENT=$#
_mptcpctl`;
  return lines(run('zsh', ['-f', '-c', program, 'zsh', ...words], scriptFile(script)));
}

/** fish: `complete -C LINE` prints what fish would offer for LINE; descriptions are cut off. */
export function fishCandidates(script: string, line: string): string[] {
  const program = 'source $SCRIPT; complete -C $argv[1]';
  return lines(run('fish', ['--no-config', '-c', program, line], scriptFile(script))).map((l) => l.split('\t')[0]!);
}

/** The candidates of `shell` for the words (the last one being completed). */
export function candidates(shell: ShellName, script: string, words: string[]): string[] {
  if (shell === 'bash') return bashCandidates(script, words);
  if (shell === 'zsh') return zshCandidates(script, words);
  return fishCandidates(script, words.join(' '));
}
