/**
 * The CLI's bundles (scripts/split-bundle.mjs): the main one must not carry what is lazy, the
 * others must not carry a second copy of the main one's modules (two copies of a class break
 * `instanceof`, two copies of state diverge), and every main-bundle module they ask for must be
 * there to answer. The desired-state commands have a bundle of their own, without commander, the
 * renderers and the help. The commands themselves are tested through the bundles everywhere else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { bundleEntries, copiedInEach, placements } from '../../src/cli/table/bundles.js';
import { cliBundle, repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

const main = readFileSync(cliBundle, 'utf8');
const lazy = readFileSync(resolve(repoRoot, 'dist/mptcpctl-lazy.cjs'), 'utf8');
const config = readFileSync(resolve(repoRoot, 'dist/mptcpctl-config.cjs'), 'utf8');
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

  it('the lazy and config bundles have no copy of a main-bundle module', () => {
    // From transport.ts, genl.ts, errors.ts and bytes.ts: each in the main bundle once.
    for (const text of ['netlink socket is closed', 'nlctrl sent no description of family', 'invalid network namespace name', 'is out of range']) {
      assert.equal(count(main, text) > 0, true, `"${text}" is not in dist/mptcpctl.cjs`);
      assert.equal(count(lazy, text), 0, `"${text}" is also in dist/mptcpctl-lazy.cjs`);
      assert.equal(count(config, text), 0, `"${text}" is also in dist/mptcpctl-config.cjs`);
    }
  });

  it('every main-bundle module the lazy and config bundles require is in the main bundle\'s list', () => {
    const offered = new Set([...main.matchAll(/"(src\/[^"]+\.ts)":\(\)=>/g)].map((m) => m[1]!));
    for (const bundle of [lazy, config]) {
      const wanted = new Set([...bundle.matchAll(/require\("mptcpctl-core:([^"]+)"\)/g)].map((m) => m[1]!));
      assert.ok(wanted.size > 10, `only ${wanted.size} main-bundle modules asked for`);
      assert.deepEqual([...wanted].filter((path) => !offered.has(path)), []);
    }
  });

  it('the config commands are placed in the config bundle, alone there', () => {
    assert.equal(placements.config.bundle, 'config');
    assert.deepEqual(bundleEntries.config, ['src/cli/commands/config.ts']);
    assert.ok(!bundleEntries.lazy.includes('src/cli/commands/config.ts'));
    // Only functions may be copied into two bundles: these three, not a growing list.
    assert.deepEqual([...copiedInEach].sort(), ['src/netlink/rtnl-addr.ts', 'src/netlink/rtnl-link.ts', 'src/sys/netns-watch.ts']);
  });

  it('the config bundle holds yaml and the file checks, and none of commander, the table and colour packages, the help, the monitor or status', () => {
    // yaml's own messages and the file check's (src/config/parse.ts): in the config bundle only.
    for (const text of ['Implicit map keys', 'Nested mappings are not allowed', 'must be a mapping (key: value lines)']) {
      assert.equal(count(config, text) > 0, true, `"${text}" is not in dist/mptcpctl-config.cjs`);
      assert.equal(count(main, text), 0, `"${text}" is in dist/mptcpctl.cjs`);
      assert.equal(count(lazy, text), 0, `"${text}" is in dist/mptcpctl-lazy.cjs`);
    }
    // commander, chalk, cli-table3, config's help text, the monitor, status.
    for (const text of ['too many arguments', 'ansi16m', 'truncate', 'desired state: show, plan', 'deleted while the monitor was running', 'the userspace-PM operations are not listed']) {
      assert.equal(count(config, text), 0, `"${text}" is in dist/mptcpctl-config.cjs`);
      assert.equal(count(lazy, text) > 0, true, `"${text}" is not in dist/mptcpctl-lazy.cjs`);
    }
  });

  it('a config command runs without the lazy bundle: its file check reports file:line:column, exit 2', () => {
    // An install without dist/mptcpctl-lazy.cjs: a config command that needed it would fail to read it.
    const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-split-'));
    try {
      for (const sub of ['bin', 'dist']) mkdirSync(join(dir, sub));
      for (const file of ['bin/mptcpctl', 'bin/package.json', 'dist/mptcpctl.cjs', 'dist/mptcpctl-config.cjs']) copyFileSync(resolve(repoRoot, file), join(dir, file));
      symlinkSync(resolve(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'limits:\n  subflows: many\n');
      const r = spawnSync(process.execPath, [join(dir, 'bin/mptcpctl'), 'config', 'diff', file], { encoding: 'utf8', env: { ...process.env, MPTCPCTL_WRITE_CODE_CACHE: '' } });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${file}:2:13: .*subflows`));
      assert.doesNotMatch(r.stderr, /mptcpctl-lazy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
