/** The README example format (test/helpers/readme.ts): parsing, and matching with kernel-chosen values. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchOutput, readmeExamples, substitute } from '../helpers/readme.js';

describe('README examples', () => {
  test('console blocks: commands, continuations, outputs, scenario markers, the script before', () => {
    const md = ['```ts', "console.log('x');", '```', '', '<!-- example: userspace -->', '```console', '$ a \\', '  b', 'out 1', '$ c', '```', '```sh', '$ not run', '```'].join('\n');
    const [example, ...rest] = readmeExamples(md, 'network');
    assert.equal(rest.length, 0);
    assert.equal(example!.scenario, 'userspace');
    assert.equal(example!.script, "console.log('x');");
    assert.deepEqual(example!.commands.map((c) => [c.command, c.expected]), [['a b', ['out 1']], ['c', []]]);
  });

  test('tokens and ephemeral ports match any value, which is then used in later commands', () => {
    const known = new Map<string, string>();
    const r = matchOutput(['token 2a0b3647 ESTAB local 10.1.0.1:54802 remote 10.1.0.2:10100'], 'token 0000beef ESTAB local 10.1.0.1:40000 remote 10.1.0.2:10100\n', known);
    assert.ok(r.ok);
    assert.equal(substitute('mptcpctl subflow destroy token 2a0b3647 local 10.1.0.1 port 54802', r.learnt), 'mptcpctl subflow destroy token 0000beef local 10.1.0.1 port 40000');
    // A learnt value must then be the same; fixed ports (10100) must match exactly.
    assert.ok(!matchOutput(['token 2a0b3647'], 'token 1111beef', r.learnt).ok);
    assert.ok(!matchOutput(['remote 10.1.0.2:10100'], 'remote 10.1.0.2:10101', known).ok);
    // JSON tokens have no leading zeros ("0x%x"); the text form has 8 digits.
    const j = matchOutput(['{"token":"0x5c1e2d3f"}'], '{"token":"0xbeef"}', new Map());
    assert.ok(j.ok);
    assert.equal(j.learnt.get('5c1e2d3f'), '0000beef');
    assert.ok(matchOutput(['{"token":"0x5c1e2d3f"}', 'token=5c1e2d3f'], '{"token":"0xbeef"}\ntoken=0000beef', new Map()).ok);
  });

  test('a line ending in " ..." matches by prefix; trailing blanks and missing lines are told', () => {
    assert.ok(matchOutput(['10.1.0.1 id 1 ...'], '10.1.0.1 id 1 signal \n', new Map()).ok);
    assert.ok(matchOutput(['10.1.0.1 id 1 signal'], '10.1.0.1 id 1 signal \n\n', new Map()).ok);
    const r = matchOutput(['a', 'b'], 'a\n', new Map());
    assert.deepEqual(r, { ok: false, why: 'line 2: expected "b", got "(end)"' });
  });
});
