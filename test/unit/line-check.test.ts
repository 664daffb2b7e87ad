/**
 * Batch files are checked line by line before the first request (line-check.ts): every action a
 * line can name must have its check, or a batch naming it would fail with a TypeError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions } from '../../src/cli/actions.js';
import { checks } from '../../src/cli/line-check.js';

test('every action of actions.ts has a check in line-check.ts, and no check is left over', () => {
  const names = (table: Record<string, Record<string, unknown>>): string[] =>
    Object.entries(table).flatMap(([object, verbs]) => Object.keys(verbs).map((verb) => `${object} ${verb}`)).sort();
  assert.deepEqual(names(checks), names(actions));
});
