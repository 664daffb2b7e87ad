/** argv as ip scripts write it -> the canonical form of the command tree. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv, splitBatchLine } from '../../src/cli/argv.js';
import { UsageError } from '../../src/errors.js';

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
    // ip 6.1's global options, in its first-match order: those `ip mptcp` ignores are dropped.
    ['-d e s', 'endpoint show'],
    ['-de -details --details e s', 'endpoint show'],
    ['-s -stats -statistics -st e s', 'endpoint show'],
    ['-N -Numeric -a -all -br -brief -human -human-readable -hu -i -iec -4 -6 -0 -M -B -echo e s', 'endpoint show'],
    ['-h e s', 'endpoint show'],
    ['-h', '--help'],
    ['-he', '--help'],
    ['-j -h', '--json --help'],
    ['-f inet6 -family link -l 3 -loops 1 -rc 0x1000 -rcvbuf 65536 e s', 'endpoint show'],
    ['-r e s', '--resolve endpoint show'],
    ['-resolve -re e s', '--resolve --resolve endpoint show'],
    ['-fo -b f', '--force --batch f'],
    ['-c=never e s', '--color never endpoint show'],
    ['-deb e s', '--debug endpoint show'],
    ['-debug e s', '--debug endpoint show'],
    ['-v e s', '--verbose endpoint show'],
    ['-version', '--version'],
    // An object's help is its own, not its default verb's.
    ['endpoint --help', 'endpoint --help'],
    ['endpoint -h', 'endpoint -h'],
    ['subflow --help', 'subflow --help'],
    ['endpoint -j', 'endpoint show -j'],
    ['help endpoint add', 'endpoint add --help'],
    ['help e c', 'endpoint change --help'],
    ['help conn', 'connection --help'],
    ['help limits monitor', 'monitor --help'],
    ['help help', '--help'],
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
    ['-x e s', /^unknown option "-x"$/],
    ['-z e s', /^unknown option "-z"$/],
    ['-e e s', /^unknown option "-e"$/],
    ['-J e s', /^unknown option "-J": did you mean "-j"\?$/],
    ['-S e s', /^unknown option "-S": did you mean "-s"\?$/],
    ['-jsn e s', /^unknown option "-jsn": did you mean "--json"\?$/],
    ['-statz e s', /^unknown option "-statz": did you mean "-stats"\?$/],
    ['-numeric e s', /^unknown option "-numeric": did you mean "-Numeric"\?$/],
    ['--no-such-option e s', /^unknown option "--no-such-option"$/],
    ['-ec e s', /^unknown option "-ec"$/],
    ['--json=yes e s', /^option "--json=yes": --json takes no value$/],
    ['e s --json=yes', /^option "--json=yes": --json takes no value$/],
    ['e s --verbose=1', /^option "--verbose=1": --verbose takes no value$/],
    ['-s=1 e s', /^option "-s=1": -stats takes no value$/],
    ['--debug=1 e s', /^option "--debug=1": --debug takes no value$/],
    ['-f bogus e s', /^invalid protocol family "bogus"/],
    ['-rc x e s', /^invalid rcvbuf size "x"$/],
    ['-l', /needs a value/],
    ['-n', /needs a value/],
    ['help bogus', /^unknown help topic "bogus" \(expected one of: endpoint, /],
    ['help endpont', /^unknown help topic "endpont": did you mean "endpoint"\?$/],
    ['help endpoint bogus', /^unknown help topic "endpoint bogus" \(endpoint commands: add, change, delete, show, flush\)$/],
    ['help endpoint add more', /^unknown help topic "endpoint add more"/],
    ['help status show', /^unknown help topic "status show" \(status has no commands\)$/],
  ];
  for (const [input, message] of refused) {
    test(`refuses ${input}`, () => assert.throws(() => normalizeArgv(input.split(' ')), (e: unknown) => e instanceof UsageError && message.test(e.message)));
  }
});

describe('unknown options: suggestions are real and close, or none', () => {
  test('no one-letter guess from the distance alone', () => {
    for (const letter of 'eghkmqsuwxyzACDEFGHIKLOPQRTUWXYZ'.split('')) {
      let message = '';
      try {
        normalizeArgv([`-${letter}`, 'endpoint', 'show']);
        continue; // a real option
      } catch (err) {
        message = (err as Error).message;
      }
      const guess = /did you mean "(.*)"\?/.exec(message)?.[1];
      if (guess !== undefined) assert.equal(guess.toLowerCase(), `-${letter.toLowerCase()}`, message);
    }
  });
  test('every suggestion is an option that is accepted', () => {
    for (const word of ['-jsn', '-statz', '-numeric', '-J', '-prety', '-verbos', '-netn', '-colr', '-detials', '-resolv']) {
      const message = (() => {
        try {
          normalizeArgv([word, 'endpoint', 'show']);
          return '';
        } catch (err) {
          return (err as Error).message;
        }
      })();
      const guess = /did you mean "(.*)"\?/.exec(message)?.[1];
      if (guess === undefined) continue;
      assert.doesNotThrow(() => normalizeArgv([guess, ...(guess === '--netns' ? ['x'] : []), 'endpoint', 'show']), `${word} -> ${guess}`);
    }
  });
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
