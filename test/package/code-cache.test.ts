/**
 * The loader of the bundles' V8 code caches in bin/mptcpctl (required, the file only exports it),
 * on a small bundle of its own in a temporary directory: a cache that is missing, stale or corrupt is ignored and written afresh
 * (atomically: no temporary file stays), a cache that fits is left alone, a directory that cannot
 * be written changes nothing but the start-up time, and the build's warm-up runs write where told.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const loader = resolve(repoRoot, 'bin/mptcpctl');
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-code-cache-'));
// World-readable, for the run as another user below.
chmodSync(work, 0o755);
after(() => rmSync(work, { recursive: true, force: true }));

/** A bundle as scripts/module-wrapper.mjs writes them: a module function, with enough code to cache. */
function bundleText(greeting: string): string {
  return `(function (exports, require, module, __filename, __dirname) {
  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  const words = ${JSON.stringify(greeting)}.split(' ').map((w) => w.toUpperCase());
  process.stdout.write(words.join(' ') + ' ' + fib(15) + '\\n');
  if (process.env.REPLACE_BUNDLE) {
    require('node:fs').writeFileSync(__filename + '.new', '(function () {})');
    require('node:fs').renameSync(__filename + '.new', __filename);
  }
})`;
}

/**
 * Runs the bundle in `dir` as bin/mptcpctl runs the main one; prints what V8 made of the cache it
 * was given (none, accepted or rejected) before the bundle's own line.
 */
const driver = `
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const { compileBundle } = require(process.argv[1]);
const dir = process.argv[2];
const filename = dir + '/bundle.cjs';
const cacheFile = filename + '.cache';
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch {}
const source = readFileSync(filename, 'utf8');
// Under another name: V8 would answer a second compile of the same script from memory, cache unread.
const verdict = cachedData === undefined ? 'none' : new Script(source, { filename: filename + '.check', cachedData }).cachedDataRejected ? 'rejected' : 'accepted';
process.stdout.write('cache ' + verdict + '\\n');
const main = compileBundle({ filename, source, cachedData, bundle: 'main', cacheFile });
const bundleModule = { exports: {} };
main(bundleModule.exports, require, bundleModule, filename, dir);
`;

function run(dir: string, options: { env?: NodeJS.ProcessEnv; uid?: number } = {}): { verdict: string; output: string } {
  const env = { ...process.env, ...options.env };
  if (options.env?.['MPTCPCTL_WRITE_CODE_CACHE'] === undefined) delete env['MPTCPCTL_WRITE_CODE_CACHE'];
  const r = spawnSync(process.execPath, ['-e', driver, loader, dir], {
    encoding: 'utf8',
    env,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const [verdict, output] = r.stdout.split('\n');
  return { verdict: verdict!, output: output! };
}

function makeBundleDir(greeting = 'hello code cache'): string {
  const dir = mkdtempSync(join(work, 'bundle-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'bundle.cjs'), bundleText(greeting));
  return dir;
}

const cacheOf = (dir: string) => join(dir, 'bundle.cjs.cache');
const identity = (file: string) => {
  const { ino, mtimeMs } = statSync(file);
  return `${ino}:${mtimeMs}`;
};

describe("bin/mptcpctl's code-cache loader", () => {
  test('no cache: the bundle runs, and its cache is written for the next start, which uses it and leaves it alone', () => {
    const dir = makeBundleDir();
    assert.deepEqual(run(dir), { verdict: 'cache none', output: 'HELLO CODE CACHE 610' });
    assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs', 'bundle.cjs.cache']);
    const written = identity(cacheOf(dir));
    assert.deepEqual(run(dir), { verdict: 'cache accepted', output: 'HELLO CODE CACHE 610' });
    assert.equal(identity(cacheOf(dir)), written, 'a cache that fits is not written again');
  });

  const spoiled: [string, (dir: string, valid: Buffer) => void][] = [
    ['corrupt (other bytes)', (dir, valid) => writeFileSync(cacheOf(dir), Buffer.alloc(valid.length, 0xa5))],
    ['truncated', (dir, valid) => writeFileSync(cacheOf(dir), valid.subarray(0, valid.length >> 1))],
    ['empty', (dir) => writeFileSync(cacheOf(dir), '')],
    ["stale (another bundle's)", (dir) => writeFileSync(join(dir, 'bundle.cjs'), bundleText('a newer bundle, longer than the first'))],
  ];
  for (const [what, spoil] of spoiled) {
    test(`a ${what} cache is ignored and written afresh`, () => {
      const dir = makeBundleDir();
      run(dir);
      spoil(dir, readFileSync(cacheOf(dir)));
      const before = readFileSync(cacheOf(dir));
      const first = run(dir);
      assert.equal(first.verdict, 'cache rejected');
      assert.match(first.output, /^(HELLO CODE CACHE|A NEWER BUNDLE, LONGER THAN THE FIRST) 610$/);
      assert.notDeepEqual(readFileSync(cacheOf(dir)), before);
      assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs', 'bundle.cjs.cache'], 'no temporary file is left');
      assert.deepEqual(run(dir), { verdict: 'cache accepted', output: first.output });
    });
  }

  test('a directory that cannot be written: the bundle runs as usual, silently, and nothing is written', () => {
    const dir = makeBundleDir();
    writeFileSync(cacheOf(dir), 'not a cache');
    chmodSync(dir, 0o555);
    // root writes anyway: the run is made as nobody then.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    for (let i = 0; i < 2; i++) assert.deepEqual(run(dir, uid === undefined ? {} : { uid }), { verdict: 'cache rejected', output: 'HELLO CODE CACHE 610' });
    assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs', 'bundle.cjs.cache']);
    assert.equal(readFileSync(cacheOf(dir), 'utf8'), 'not a cache');
  });

  test('a bundle replaced while it runs: its cache is not written beside the new one', () => {
    const dir = makeBundleDir();
    assert.deepEqual(run(dir, { env: { REPLACE_BUNDLE: '1' } }), { verdict: 'cache none', output: 'HELLO CODE CACHE 610' });
    assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs']);
  });

  test("the build's warm-up runs write only the named bundle's cache, where MPTCPCTL_CODE_CACHE_FILE says, even over one that fits", () => {
    const dir = makeBundleDir();
    // A warm-up run for the other bundle, or for none, leaves a missing cache missing.
    for (const named of ['lazy', '']) {
      assert.equal(run(dir, { env: { MPTCPCTL_WRITE_CODE_CACHE: named } }).verdict, 'cache none');
      assert.deepEqual(readdirSync(dir), ['bundle.cjs']);
    }
    run(dir);
    const kept = identity(cacheOf(dir));
    const elsewhere = join(dir, 'elsewhere.cache');
    // Another bundle named: this one's cache fits, so nothing is written.
    run(dir, { env: { MPTCPCTL_WRITE_CODE_CACHE: 'lazy', MPTCPCTL_CODE_CACHE_FILE: elsewhere } });
    assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs', 'bundle.cjs.cache']);
    run(dir, { env: { MPTCPCTL_WRITE_CODE_CACHE: 'main', MPTCPCTL_CODE_CACHE_FILE: elsewhere } });
    assert.deepEqual(readdirSync(dir).sort(), ['bundle.cjs', 'bundle.cjs.cache', 'elsewhere.cache']);
    assert.equal(identity(cacheOf(dir)), kept);
    // Without a file named, beside the bundle, replacing the one that fitted.
    run(dir, { env: { MPTCPCTL_WRITE_CODE_CACHE: 'main' } });
    assert.notEqual(identity(cacheOf(dir)), kept);
    renameSync(join(dir, 'elsewhere.cache'), cacheOf(dir));
    assert.equal(run(dir).verdict, 'cache accepted');
  });
});
