/**
 * Shell completion: generated from the command tree, so every command, verb and option of the
 * tree must be in each script; the copies in completions/ must be what the generator prints; and
 * the real shells must offer the right words (the kernel-backed values are in
 * test/kernel/completion-values.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { completionModel, tableKeywords } from '../../src/cli/completion/model.js';
import { completionScript, SHELLS } from '../../src/cli/completion/scripts.js';
import { buildProgram } from '../../src/cli/program.js';
import { objectsHelp } from '../../src/cli/table/help.js';
import { repoRoot } from '../helpers/paths.js';
import { candidates, hasShell, type ShellName } from '../helpers/shells.js';

const program = buildProgram('0.0.0-test', async () => {
  throw new Error('no command runs in this test');
});
const model = completionModel(program);
const scripts = Object.fromEntries(SHELLS.map((s) => [s, completionScript(s, model)])) as Record<ShellName, string>;
const committed: Record<ShellName, string> = { bash: 'completions/mptcpctl.bash', zsh: 'completions/_mptcpctl', fish: 'completions/mptcpctl.fish' };

/** Every name the tree declares: commands, aliases, verbs, options (short and long). */
function treeNames(command: Command): string[] {
  const names: string[] = [];
  for (const option of command.options) names.push(...[option.short, option.long].filter((n): n is string => Boolean(n)));
  for (const sub of command.commands) names.push(sub.name(), ...sub.aliases(), ...treeNames(sub));
  return names;
}

describe('completion scripts from the command tree', () => {
  const names = [...new Set(treeNames(program))];

  test('the tree has the commands this test expects to find (sanity)', () => {
    for (const name of ['endpoint', 'add', 'limits', 'monitor', 'completion', '--netns', '-n', '--event']) assert.ok(names.includes(name), name);
  });

  for (const shell of SHELLS) {
    test(`${shell}: every command, verb and option of the tree is in the script`, () => {
      const words = new Set(scripts[shell].split(/[\s'"|)(\\]+/));
      const missing = names.filter((n) => !words.has(n));
      assert.deepEqual(missing, [], `missing from the ${shell} script`);
    });

    test(`${shell}: ${committed[shell]} is what \`mptcpctl completion ${shell}\` prints (run \`npm run completions\`)`, () => {
      assert.equal(readFileSync(resolve(repoRoot, committed[shell]), 'utf8'), scripts[shell]);
    });
  }

  test("the words completion offers after each verb are words of that verb's usage line", () => {
    for (const [object, { verbs: list }] of Object.entries(objectsHelp)) {
      for (const help of list) {
        const words = tableKeywords(help.words).map((k) => k.word);
        const inUsage = words.filter((w) => new RegExp(`(^|[\\s[|])${w}([\\s\\]|.]|$)`).test(help.usage));
        assert.deepEqual(inUsage, words, `${object} ${help.verb}`);
      }
    }
  });
});

/** Static cases: words on the line (the last being completed) -> exactly these candidates. */
const cases: { words: string[]; want: string[] }[] = [
  { words: ['mptcpctl', ''], want: ['endpoint', 'limits', 'monitor', 'help', 'announce', 'remove', 'subflow', 'connection', 'status', 'completion', 'stats', 'exporter', 'config'] },
  { words: ['mptcpctl', 'config', ''], want: ['show', 'diff', 'apply', 'try', 'confirm', 'follow'] },
  { words: ['mptcpctl', 'e'], want: ['endpoint', 'exporter'] },
  { words: ['mptcpctl', 'endpoint', ''], want: ['add', 'change', 'delete', 'show', 'flush'] },
  // Abbreviated object, as argv.ts reads it.
  { words: ['mptcpctl', 'e', 'd'], want: ['delete'] },
  { words: ['mptcpctl', 'endpoint', 'add', '10.0.0.1', ''], want: ['dev', 'id', 'port', 'signal', 'subflow', 'backup', 'fullmesh', 'laminar'] },
  { words: ['mptcpctl', 'endpoint', 'add', '10.0.0.1', 'f'], want: ['fullmesh'] },
  { words: ['mptcpctl', 'limits', 'set', ''], want: ['subflows', 'add_addr_accepted'] },
  { words: ['mptcpctl', 'subflow', 'create', 'token', '1a2b3c4d', 'l'], want: ['local'] },
  { words: ['mptcpctl', 'conn', ''], want: ['show', 'explain', 'token', 'src', 'dst', 'sport', 'dport', 'dev'] },
  { words: ['mptcpctl', 'subflow', 'show', 'd'], want: ['dst', 'dport', 'dev'] },
  { words: ['mptcpctl', '--fo'], want: ['--format', '--force'] },
  { words: ['mptcpctl', '--format', ''], want: ['auto', 'text', 'table', 'json'] },
  { words: ['mptcpctl', '-c', 'a'], want: ['auto', 'always'] },
  { words: ['mptcpctl', 'monitor', '--e'], want: ['--event'] },
  { words: ['mptcpctl', 'monitor', '--event', 'sf_'], want: ['sf_established', 'sf_closed', 'sf_prio'] },
  { words: ['mptcpctl', 'monitor', '--event', 'closed,l'], want: ['closed,listener_created', 'closed,listener_closed'] },
  { words: ['mptcpctl', 'endpoint', 'show', '--ch'], want: ['--check'] },
  { words: ['mptcpctl', 'completion', ''], want: ['bash', 'zsh', 'fish'] },
  { words: ['mptcpctl', 'help', 'l'], want: ['limits'] },
  // A value nothing can list: nothing offered (no file names either).
  { words: ['mptcpctl', 'endpoint', 'add', '10.0.0.1', 'port', ''], want: [] },
];

for (const shell of SHELLS) {
  describe(`${shell} offers the tree's words`, { skip: hasShell(shell) ? false : `${shell} is not installed (.ci/run installs it)` }, () => {
    for (const c of cases) {
      test(`${c.words.join(' ')}|`, () => {
        assert.deepEqual(candidates(shell, scripts[shell], c.words).sort(), [...c.want].sort());
      });
    }
  });
}
