/** argv as ip scripts write it -> the canonical form of the command tree. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv, splitBatchLine } from '../../src/cli/argv.js';
import { UsageError } from '../../src/netlink/errors.js';

describe('normalizeArgv', () => {
  const cases: [string, string][] = [
    ['e s', 'endpoint show'],
    ['endpoint', 'endpoint show'],
    ['endpoint d id 3', 'endpoint delete id 3'],
    ['endpoint a 10.0.0.1 signal', 'endpoint add 10.0.0.1 signal'],
    ['l s', 'limits set'],
    ['l sh', 'limits show'],
    ['limits', 'limits show'],
    ['limits monitor', 'monitor'],
    ['mp e', 'endpoint show'],
    ['mptcp endpoint show', 'endpoint show'],
    ['m', 'monitor'],
    ['-n blue -j mptcp endpoint show', '--netns blue --json endpoint show'],
    ['-netns blue -json -pretty e s', '--netns blue --json --pretty endpoint show'],
    ['--json e s', '--json endpoint show'],
    ['-color=always mptcp endpoint show', '--color always endpoint show'],
    ['-c e s', '--color always endpoint show'],
    ['-6 mptcp endpoint add 10.0.1.24 subflow', 'endpoint add 10.0.1.24 subflow'],
    ['-o e s', '--oneline endpoint show'],
    ['-ts monitor', '--timestamp monitor'],
    ['-t monitor', '--timestamp monitor'],
    ['endpoint show -j', 'endpoint show -j'],
    ['endpoint add 10.0.0.1 id -1', 'endpoint add 10.0.0.1 id -1'],
    ['conn', 'connection show'],
    ['conn token 1a', 'connection show token 1a'],
    ['subflow token 1a', 'subflow show token 1a'],
    ['help', '--help'],
    ['help endpoint', 'endpoint --help'],
    ['-b file.txt', '--batch file.txt'],
    ['', ''],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(normalizeArgv(input ? input.split(' ') : []), want ? want.split(' ') : []));
  }

  const refused: [string, RegExp][] = [
    ['foo', /unknown command "foo"/],
    ['endpont show', /unknown command "endpont": did you mean "endpoint"\?/],
    ['endpoint list', /unknown endpoint command "list"/],
    ['endpoint shwo', /did you mean "show"\?/],
    ['limits foo', /unknown limits command "foo"/],
    ['subflow crete', /unknown subflow command "crete": did you mean "create"\?/],
    ['-x e s', /unknown option "-x"/],
    ['-n', /needs a value/],
  ];
  for (const [input, message] of refused) {
    test(`refuses ${input}`, () => assert.throws(() => normalizeArgv(input.split(' ')), (e: unknown) => e instanceof UsageError && message.test(e.message)));
  }
});

describe('splitBatchLine', () => {
  const cases: [string, string[]][] = [
    ['endpoint add 10.0.0.1 id 3', ['endpoint', 'add', '10.0.0.1', 'id', '3']],
    ['  mptcp   e  s  ', ['mptcp', 'e', 's']],
    ['# a comment', []],
    ['', []],
    ['endpoint add 10.0.0.1 # trailing comment', ['endpoint', 'add', '10.0.0.1']],
    ['endpoint add 10.0.0.1 id " 9"', ['endpoint', 'add', '10.0.0.1', 'id', ' 9']],
    ["limits set subflows '4'", ['limits', 'set', 'subflows', '4']],
  ];
  for (const [line, want] of cases) test(JSON.stringify(line), () => assert.deepEqual(splitBatchLine(line), want));
  test('lines without quotes or # split as lines with them do (two paths, one reading)', () => {
    // A `#` inside a word does not start a comment: the word is kept whole either way.
    for (const line of ['\tendpoint\tshow\r', 'limits\u00a0set subflows\u20034', ' \v\f ', 'a  b\u2028c', 'id 3 a#b']) {
      const quoted = line.replace(/(\S+)/g, "'$1'");
      assert.deepEqual(splitBatchLine(line), line.includes('#') ? ['id', '3', 'a#b'] : splitBatchLine(quoted), JSON.stringify(line));
    }
  });
  test('unterminated quote', () => assert.throws(() => splitBatchLine('endpoint add "10'), UsageError));
});
