/**
 * The tests need nothing beside the checkout: a clone from a forge has no shared folder beside
 * it. Recorded data lives in test/fixtures (.ci/run also runs the suite from a clone with nothing
 * beside it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const outside = /\.\.\/shared|['"]\.\.['"],\s*['"]shared['"]|\/work\/shared/;

test('no source, test, script, benchmark or CI file reads the shared folder beside the checkout', () => {
  const files = execFileSync('git', ['ls-files', 'src', 'test', 'scripts', 'bench', 'bin', '.ci'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('test/fixtures/') && f !== 'test/package/self-contained.test.ts');
  assert.ok(files.length > 50, 'git lists the tree');
  const offenders = files.filter((f) => outside.test(readFileSync(join(repoRoot, f), 'utf8')));
  assert.deepEqual(offenders, []);
});
