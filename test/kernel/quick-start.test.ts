/**
 * The README's quick start: .ci/run runs its commands, in its order, and on a fresh machine
 * (here: a fresh namespace, no endpoints, no connections) every mptcpctl command in it prints
 * something and succeeds. The namespace the quick start makes is renamed to a unique one.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createNetns, deleteNetns, uniqueNetnsName } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
const ciRun = readFileSync(resolve(repoRoot, '.ci/run'), 'utf8');

/** The commands of each ```sh block under "## Quick start", comments dropped, `&&` split. */
function quickStartBlocks(): string[][] {
  const section = /^## Quick start\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((block) =>
    block[1]!
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean)
      .flatMap((line) => line.split(/\s*&&\s*/)),
  );
}

/** The first block is what a fresh machine runs (and .ci/run too); the others try things out. */
const [commands = [], ...tryOut] = quickStartBlocks();
const fresh = createNetns('qs');
const demo = uniqueNetnsName('qsd');
after(() => {
  spawnSync('ip', ['netns', 'del', demo]);
  deleteNetns(fresh);
});

test('.ci/run runs the quick start\'s commands in the README\'s order', () => {
  assert.ok(commands.length >= 3, `quick start found: ${commands.join(' | ')}`);
  const lines = ciRun.split('\n').map((l) => l.trim());
  let at = -1;
  for (const command of commands) {
    const found = lines.indexOf(command, at + 1);
    assert.ok(found > at, `.ci/run lacks "${command}" (after line ${at + 1})`);
    at = found;
  }
});

test('on a fresh namespace every mptcpctl command of the quick start prints something', () => {
  const run = [...commands, ...tryOut.flat()].filter((c) => !c.startsWith('npm ')).map((c) => c.replace(/\bmptcpctl-demo\b/g, demo));
  assert.ok(run[0]?.startsWith('./bin/mptcpctl '), `the quick start begins with mptcpctl after npm ci: ${run[0]}`);
  for (const command of run) {
    // `ip netns add/del` in the host's mount namespace, so later `-n` commands see the name.
    const where = command.startsWith('ip netns ') ? [] : ['ip', 'netns', 'exec', fresh];
    const r = spawnSync(where[0] ?? 'sh', [...where.slice(1), ...(where.length ? ['sh'] : []), '-c', command], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    if (command.startsWith('./bin/mptcpctl ') && !/ (add|delete|flush|set|change) /.test(command)) {
      assert.notEqual(r.stdout.trim(), '', `${command} printed nothing on a fresh namespace`);
    }
  }
});
