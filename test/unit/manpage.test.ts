/**
 * man/mptcpctl.8: lints clean (mandoc -Tlint where installed, else groff's warnings), and names
 * every command, verb and option of the command tree, every monitor event and the exit codes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { completionModel } from '../../src/cli/completion/model.js';
import { buildProgram } from '../../src/cli/program.js';
import { repoRoot } from '../helpers/paths.js';

const page = resolve(repoRoot, 'man/mptcpctl.8');
const source = readFileSync(page, 'utf8');
/** The page's words with roff escapes undone: `\-` is a minus, `\fB` and friends are fonts. */
const text = source.replace(/\\-/g, '-').replace(/\\f[BIRP]/g, '').replace(/\\\(aq/g, "'").replace(/\\\(dq/g, '"').replace(/\\c\n/g, '');
const program = buildProgram('0.0.0-test', async () => {
  throw new Error('no command runs in this test');
});

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('man/mptcpctl.8', () => {
  test('lints clean', () => {
    const lint = has('mandoc') ? spawnSync('mandoc', ['-Tlint', page], { encoding: 'utf8' }) : spawnSync('groff', ['-man', '-ww', '-z', page], { encoding: 'utf8' });
    assert.equal(`${lint.stdout}${lint.stderr}`, '');
    assert.equal(lint.status, 0);
  });

  test('documents every command and verb (as a heading `object verb`)', () => {
    const headings = [...text.matchAll(/^\.SS "?([^"\n]*)/gm)].map((m) => m[1]!);
    const missing: string[] = [];
    for (const command of program.commands) {
      const verbs = command.commands.length ? command.commands.map((v) => `${command.name()} ${v.name()}`) : [command.name()];
      for (const want of verbs) if (!headings.some((h) => h === want || h.startsWith(`${want} `))) missing.push(want);
      for (const alias of command.aliases()) if (!new RegExp(`\\b${alias}\\b`).test(text)) missing.push(alias);
    }
    assert.deepEqual(missing, []);
  });

  test('documents every option (global, per command, and the keywords of each verb)', () => {
    const options = (c: Command): string[] => [...c.options.flatMap((o) => [o.short, o.long].filter((n): n is string => Boolean(n))), ...c.commands.flatMap(options)];
    const keywords = completionModel(program).objects.flatMap((o) => [...o.keywords, ...o.verbs.flatMap((v) => v.keywords)].map((k) => k.word));
    const words = new Set(text.split(/[^A-Za-z0-9_-]+/));
    const missing = [...new Set([...options(program), ...keywords])].filter((w) => !words.has(w));
    assert.deepEqual(missing, []);
  });

  test('documents the formats, the monitor JSON Lines keys, exit codes, environment and token sensitivity', () => {
    for (const section of ['OUTPUT', 'EXIT STATUS', 'ENVIRONMENT', 'EXAMPLES', 'SEE ALSO', 'TOKENS']) assert.match(text, new RegExp(`^\\.SH ${section}$`, 'm'), section);
    for (const heading of ['Text', 'Table', 'JSON', 'Monitor JSON Lines']) assert.match(text, new RegExp(`^\\.SS "?${heading}"?$`, 'm'), heading);
    const jsonKeys = ['timestamp', 'event', 'token', 'remid', 'locid', 'saddr4', 'daddr4', 'saddr6', 'daddr6', 'sport', 'dport', 'backup', 'error', 'error_name', 'timeout', 'ifindex', 'dev', 'reset_reason', 'reset_reason_name', 'reset_flags', 'server_side', 'deny_join_id0', 'flags', 'unknown', 'LOST'];
    for (const key of jsonKeys) assert.match(text, new RegExp(`\\b${key}\\b`), key);
    for (const event of completionModel(program).events) assert.match(text, new RegExp(`\\b${event}\\b`), event);
    for (const name of ['NO_COLOR', 'FORCE_COLOR']) assert.match(text, new RegExp(`^\\.B ${name}$`, 'm'), name);
    assert.match(text, /^\.B 0$/m);
    assert.match(text, /^\.B 1$/m);
    assert.match(text, /^\.B 2$/m);
    assert.match(text, /ip-mptcp \(8\)/);
    assert.match(text, /ss \(8\)/);
    assert.match(text, /Tokens are sensitive: anyone who knows a connection's token can add subflows/);
    assert.match(text, /path_manager=userspace/, 'an example for the userspace path manager');
    assert.match(text, /mptcpctl endpoint add .* signal/, 'an example for the in-kernel path manager');
  });
});
