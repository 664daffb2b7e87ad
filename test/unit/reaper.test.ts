/**
 * test/helpers/reaper.ts: a child registered by a test file that fails is ended by its PID in the
 * file's `after`, before the file's own `after` hooks run (which see it exit by SIGKILL), and is
 * listed as having outlived its test.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-reaper-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('a failing test file: its child is SIGKILLed in after, by PID, and named as outlived', () => {
  const reaper = pathToFileURL(resolve(repoRoot, 'build/test/helpers/reaper.js')).href;
  const file = join(work, 'leaves-a-child.test.mjs');
  writeFileSync(
    file,
    `import { after, test } from 'node:test';
import { spawn } from 'node:child_process';
import { outlived, reap } from ${JSON.stringify(reaper)};
const child = reap(spawn('sleep', ['600'], { stdio: 'ignore' }));
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal)));
test('fails with its child running', () => { throw new Error('on purpose'); });
after(async () => {
  console.log('REAPED pid=' + child.pid + ' by=' + (await exited) + ' outlived=' + JSON.stringify(outlived));
});
`,
  );
  // A test run of its own (this process's NODE_TEST_CONTEXT would make it report to ours).
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const r = spawnSync(process.execPath, ['--test', file], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(r.status, 1, 'the file fails');
  const m = /REAPED pid=(\d+) by=(\S+) outlived=(.*)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[2], 'SIGKILL');
  assert.deepEqual(JSON.parse(m[3]!), ['sleep 600']);
  assert.throws(() => process.kill(Number(m[1]), 0), { code: 'ESRCH' }, 'the child is gone');
});
