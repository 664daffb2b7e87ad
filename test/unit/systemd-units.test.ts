/** The shipped systemd units pass `systemd-analyze verify` (with ExecStart pointed at this checkout). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

for (const unit of ['mptcpctl-follow@.service', 'mptcpctl-apply@.service']) {
  test(`systemd-analyze verify ${unit}: no error and no warning`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mptcpctl-unit-'));
    try {
      const text = readFileSync(resolve(repoRoot, 'systemd', unit), 'utf8');
      assert.match(text, /^ExecStart=\/usr\/local\/bin\/mptcpctl config (follow|apply) \/etc\/mptcpctl\/%i\.yaml$/m);
      // verify checks that ExecStart's program exists: the one of this checkout stands in for the installed one.
      const local = text.replaceAll('/usr/local/bin/mptcpctl', resolve(repoRoot, 'bin/mptcpctl'));
      writeFileSync(join(dir, unit), local);
      const instance = join(dir, unit.replace('@.', '@main.'));
      writeFileSync(instance, local);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', instance], { encoding: 'utf8' });
      assert.equal(r.error, undefined, 'systemd-analyze is missing (.ci/run installs it)');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      // The check can fail: a misspelt setting is reported.
      writeFileSync(instance, local.replace(/^Type=/m, 'Typ='));
      assert.match(spawnSync('systemd-analyze', ['verify', '--man=no', instance], { encoding: 'utf8' }).stderr, /Unknown key 'Typ'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
