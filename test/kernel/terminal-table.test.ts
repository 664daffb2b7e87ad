/**
 * On a real terminal (a pty made by script(1), its width set with stty) the tables fit the
 * terminal's width, read from the terminal itself (COLUMNS unset), and `status` shows the
 * sections its piped text has.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { cliCommand } from '../helpers/cli.js';

let ns: string;
before(() => {
  ns = createNetns('tty');
  ip(ns, 'mptcp', 'endpoint', 'add', '2001:db8:ffff:1234:5678:9abc:def0:1', 'id', '7', 'subflow', 'backup', 'fullmesh');
});
after(() => deleteNetns(ns));

/** Runs mptcpctl ARGS on a pty `columns` wide; its output as the terminal shows it, colours removed. */
function onTerminal(columns: number, args: string[]): string {
  const quoted = [...cliCommand, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['COLUMNS'];
  delete env['LINES'];
  const r = spawnSync('script', ['-qec', `stty cols ${columns} rows 50; ${quoted}`, '/dev/null'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return stripVTControlCharacters(r.stdout).replace(/\r/g, '');
}

for (const columns of [80, 100]) {
  test(`status on a ${columns}-column terminal: tables within the width, every section of the text`, () => {
    const out = onTerminal(columns, ['-n', ns, 'status']);
    const tableLines = out.split('\n').filter((l) => /^[┌│├└]/.test(l));
    assert.ok(tableLines.length > 20, out);
    for (const line of tableLines) assert.ok([...line].length <= columns, `${[...line].length} > ${columns}: ${line}`);
    // The sections of the piped text: operations, features, endpoints, settings.
    for (const heading of ['STATUS', 'OPERATION', 'FEATURE', 'ADDRESS', 'SETTING']) assert.match(out, new RegExp(`│ ${heading} `), heading);
    assert.match(out, /│ GET_ADDR +│/);
    assert.match(out, /│ net\.mptcp\.enabled +│ 1 +│/);
    // The address is never wrapped.
    assert.match(out, /2001:db8:ffff:1234:5678:9abc:def0:1/);
  });
}

test('endpoint show on a narrow terminal: the row wraps in FLAGS, not in the address', () => {
  const out = onTerminal(70, ['-n', ns, 'endpoint', 'show']);
  const lines = out.trimEnd().split('\n');
  for (const line of lines) assert.ok([...line].length <= 70, line);
  assert.ok(lines.some((l) => l.includes('2001:db8:ffff:1234:5678:9abc:def0:1')), out);
  assert.ok(lines.length > 5, `the flags on more than one line:\n${out}`);
});
