/**
 * A clean `npm ci` of this package prints no install-script warning: package.json's
 * `allowScripts` decides koffi's and esbuild's install scripts (npm 11 warns about every
 * dependency script it does not cover). Both are denied: koffi's native code is its prebuilt
 * optional package (test/kernel/supply-chain.test.ts) and esbuild runs from its platform package,
 * so neither script is needed. Run in a throw-away copy of package.json and package-lock.json,
 * without our own lifecycle scripts (the build is not what is checked here).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-ci-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('npm ci on a clean copy: no "not yet covered by allowScripts" warning, koffi still loads', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg['scripts'];
  writeFileSync(join(work, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(work, 'package-lock.json'), readFileSync(join(repoRoot, 'package-lock.json')));
  const r = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ci: ${r.stderr}`);
  const output = r.stdout + r.stderr;
  assert.doesNotMatch(output, /allowScripts|install-scripts/, output);
  const koffi = spawnSync(process.execPath, ['-e', "console.log(typeof require('koffi').load)"], { cwd: work, encoding: 'utf8' });
  assert.equal(koffi.stdout, 'function\n', koffi.stderr);
});
