/**
 * The CLI's two bundles (scripts/split-bundle.mjs): the main one must not carry what is lazy, the
 * lazy one must not carry a second copy of the main one's modules (two copies of a class break
 * `instanceof`, two copies of state diverge), and every main-bundle module the lazy one asks for
 * must be there to answer. The commands themselves are tested through the bundles everywhere else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { cliBundle, repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const main = readFileSync(cliBundle, 'utf8');
const lazy = readFileSync(resolve(repoRoot, 'dist/mptcpctl-lazy.cjs'), 'utf8');
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('the split bundle', { skip: process.env['MPTCPCTL_BIN'] ? 'these read the npm bundles in dist/ (the binary carries its own, tested through its commands)' : false }, () => {
  it('the main bundle holds none of commander, the table and colour packages, the monitor or status', () => {
    // Texts only these modules have (minified code keeps string literals): commander, chalk,
    // cli-table3, the monitor command, status. (The monitor's option checks are in the main
    // bundle on purpose: a monitor line is checked and subscribed before the lazy bundle loads.)
    for (const text of ['too many arguments', 'ansi16m', 'truncate', 'deleted while the monitor was running', 'the userspace-PM operations are not listed']) {
      assert.equal(count(main, text), 0, `"${text}" is in dist/mptcpctl.cjs`);
      assert.equal(count(lazy, text) > 0, true, `"${text}" is not in dist/mptcpctl-lazy.cjs`);
    }
  });

  it('the lazy bundle has no copy of a main-bundle module', () => {
    // From transport.ts, genl.ts, errors.ts and bytes.ts: each in the main bundle once.
    for (const text of ['netlink socket is closed', 'nlctrl sent no description of family', 'invalid network namespace name', 'is out of range']) {
      assert.equal(count(main, text) > 0, true, `"${text}" is not in dist/mptcpctl.cjs`);
      assert.equal(count(lazy, text), 0, `"${text}" is also in dist/mptcpctl-lazy.cjs`);
    }
  });

  it('every main-bundle module the lazy one requires is in the main bundle\'s list', () => {
    const wanted = new Set([...lazy.matchAll(/require\("mptcpctl-core:([^"]+)"\)/g)].map((m) => m[1]!));
    assert.ok(wanted.size > 10, `only ${wanted.size} main-bundle modules asked for`);
    const offered = new Set([...main.matchAll(/"(src\/[^"]+\.ts)":\(\)=>/g)].map((m) => m[1]!));
    assert.deepEqual([...wanted].filter((path) => !offered.has(path)), []);
  });

  it('a lazy module gets the main bundle\'s classes: a usage error found by commander is reported as one', () => {
    // `--format` is read by commander (lazy); its refusal is a UsageError of the main bundle's
    // errors.ts, which report.ts (main) recognises: exit 2, one line, no stack.
    const r = runCli(['--format', 'yaml', 'endpoint', 'show']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^mptcpctl: .*yaml/);
  });
});
