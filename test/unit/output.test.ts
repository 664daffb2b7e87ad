/** The output choice (output/format.ts): format, colour, and the width a table is fitted to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOutput } from '../../src/cli/output/format.js';

test('a table gets COLUMNS, else the terminal\'s width, asked only for a table', () => {
  let asked = 0;
  const terminal = (): number => {
    asked++;
    return 132;
  };
  assert.equal(resolveOutput({}, true, { COLUMNS: '72' }, terminal).width, 72);
  assert.equal(asked, 0, 'COLUMNS wins without asking the terminal');
  assert.equal(resolveOutput({}, true, {}, terminal).width, 132);
  assert.equal(resolveOutput({}, true, { COLUMNS: 'wide' }, terminal).width, 132, 'a COLUMNS that is not a number is ignored');
  assert.equal(resolveOutput({}, true, {}, () => undefined).width, undefined);
  asked = 0;
  assert.equal(resolveOutput({}, false, { COLUMNS: '72' }, terminal).width, undefined, 'piped text is never fitted');
  assert.equal(resolveOutput({ json: true }, true, {}, terminal).width, undefined);
  assert.equal(asked, 0);
  assert.equal(resolveOutput({ format: 'table' }, false, { COLUMNS: '100' }, terminal).width, 100);
});
