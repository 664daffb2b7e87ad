/**
 * Internal errors under --debug: the stack names source files and lines (src/...ts:LINE:COLUMN)
 * through the source maps shipped beside the bundles (or as the single executable's assets),
 * never minified positions in dist/. The fault is injected from outside the program, by a
 * preloaded script that makes reading FORCE_COLOR throw (the environment is read by
 * resolveOutput, src/cli/output/format.ts, at every command); without --debug there is no stack.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { cliBundle, repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-fault-'));
const preload = join(work, 'inject-fault.cjs');
writeFileSync(
  preload,
  "const env = { ...process.env };\nprocess.env = new Proxy(env, { get: (t, k) => { if (k === 'FORCE_COLOR') throw new TypeError('injected fault'); return t[k]; } });\n",
);
after(() => rmSync(work, { recursive: true, force: true }));

const withFault = (...args: string[]) => runCli(args, { env: { NODE_OPTIONS: `--require ${preload}` } });
const outputLine = readFileSync(resolve(repoRoot, 'src/cli/output/format.ts'), 'utf8').split('\n').findIndex((l) => l.includes("env['FORCE_COLOR']")) + 1;

describe('internal errors: stacks in source files and lines', () => {
  it('the maps are built beside all the bundles', { skip: process.env['MPTCPCTL_BIN'] ? 'the binary carries them as assets' : false }, () => {
    for (const file of [cliBundle, resolve(repoRoot, 'dist/mptcpctl-lazy.cjs'), resolve(repoRoot, 'dist/mptcpctl-config.cjs')]) {
      assert.ok(existsSync(`${file}.map`), `${file}.map`);
      // No sourceMappingURL comment: Node would otherwise be free to look for the map at start-up.
      assert.doesNotMatch(readFileSync(file, 'utf8').slice(-200), /sourceMappingURL/);
    }
  });

  for (const [what, args] of [
    ['a command of the main bundle', ['--debug', 'limits', 'show']],
    ['a command through the lazy bundle (commander)', ['--debug', '--format', 'text', 'limits', 'show']],
  ] as const) {
    it(`${what}: frames in src/, none in the bundles`, () => {
      const r = withFault(...args);
      assert.equal(r.status, 1);
      const [message, error, ...frames] = r.stderr.trimEnd().split('\n');
      assert.equal(message, 'mptcpctl: internal error: injected fault (please report it; --debug shows the stack)');
      assert.equal(error, 'TypeError: injected fault');
      assert.ok(frames.some((f) => f.trim() === `at src/cli/output/format.ts:${outputLine}:${f.trim().split(':').pop()}`), r.stderr);
      assert.ok(frames.some((f) => /^\s+at (async )?src\/cli\/run\.ts:\d+:\d+$/.test(f)), r.stderr);
      assert.deepEqual(frames.filter((f) => /mptcpctl(-lazy)?\.cjs/.test(f)), [], 'no frame left in a bundle');
    });
  }

  it('as installed: bin/mptcpctl, which compiles the bundle as a script', { skip: process.env['MPTCPCTL_BIN'] ? 'the binary is tested above' : false }, () => {
    const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/mptcpctl'), '--debug', 'limits', 'show'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--require ${preload}` },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`\\n\\s+at src/cli/output/format\\.ts:${outputLine}:\\d+\\n`));
    assert.doesNotMatch(r.stderr, /mptcpctl(-lazy)?\.cjs/);
  });

  it('without --debug: the message alone', () => {
    const r = withFault('limits', 'show');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'mptcpctl: internal error: injected fault (please report it; --debug shows the stack)\n');
  });
});
