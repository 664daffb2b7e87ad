/** `config try`: reverted (exit 1) without a confirmation, kept after `config confirm` from another process. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand, runCli } from '../helpers/cli.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-try-'));
let ns: string;
let path: string;
before(() => {
  ns = createNetns('cft');
  ip(ns, 'mptcp', 'endpoint', 'add', '10.0.0.9', 'id', '9', 'signal');
  path = join(work, 'f.yaml');
  writeFileSync(path, 'limits:\n  subflows: 6\nendpoints:\n  - address: 10.0.0.1\n    id: 1\n    flags: [subflow]\n');
});
after(() => {
  deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});
const state = (): string => `${ip(ns, 'mptcp', 'endpoint', 'show')}${ip(ns, 'mptcp', 'limits', 'show')}`;

test('not confirmed within the timeout: the state found is restored, exit 1', () => {
  const found = state();
  const r = runCli(['-n', ns, 'config', 'try', path, '--timeout', '0.5']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '~ limits subflows 2 -> 6\n- endpoint id 9 10.0.0.9 signal\n+ endpoint 10.0.0.1 id 1 subflow\n');
  assert.match(r.stderr, /mptcpctl: not confirmed within 0\.5 s \(or interrupted\): the state found was restored\n$/);
  assert.equal(state(), found);
});

test('confirmed from another shell with config confirm: kept, exit 0', { timeout: 30000 }, async () => {
  const child = spawn(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, 'config', 'try', path, '--timeout', '30']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    while (!stderr.includes('config confirm')) await new Promise((r) => setTimeout(r, 20));
    assert.match(state(), /10\.0\.0\.1 id 1 subflow/);
    const confirm = runCli(['-n', ns, 'config', 'confirm']);
    assert.equal(confirm.status, 0, confirm.stderr);
    assert.equal(await exited, 0, stderr);
    assert.equal(state(), '10.0.0.1 id 1 subflow \nadd_addr_accepted 0 subflows 6 \n');
  } finally {
    child.kill('SIGKILL');
  }
  // Nothing is waiting any more.
  const again = runCli(['-n', ns, 'config', 'confirm']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /no `config try` is waiting/);
});

test('confirmed by a key on the terminal (script gives it one)', () => {
  ip(ns, 'mptcp', 'endpoint', 'flush');
  const command = [...cliCommand, '-n', ns, 'config', 'try', path, '--timeout', '30'].map((w) => `'${w}'`).join(' ');
  const r = spawnSync('sh', ['-c', `(sleep 1; printf x) | script -qec "${command.replace(/"/g, '\\"')}" /dev/null`], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /press any key or run `mptcpctl -n \S+ config confirm` within 30 s/);
  assert.match(r.stdout, /confirmed: the new state is kept/);
  assert.match(state(), /10\.0\.0\.1 id 1 subflow/);
});
