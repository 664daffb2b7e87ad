/**
 * Batch mode against the real kernel (issue #17): `-b FILE` with a command as well is refused
 * before anything runs; a regular file is checked whole before its first request (all bad lines
 * named, nothing changed); a stream (`-b -` on a pipe) runs each line as it arrives, so mptcpctl
 * works as a coprocess. `ip` reads the state back.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand, runCli } from '../helpers/cli.js';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { spawnCli } from '../helpers/spawned.js';

let ns: string;
const work = mkdtempSync(join(tmpdir(), 'mptcpctl-batch-'));
const endpoints = (): string => ip(ns, 'mptcp', 'endpoint', 'show');
const limits = (): string => ip(ns, 'mptcp', 'limits', 'show');
const file = (name: string, text: string): string => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

before(() => {
  ns = createNetns('batch');
  ip(ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
});
after(() => {
  deleteNetns(ns);
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  ip(ns, 'mptcp', 'endpoint', 'flush');
  ip(ns, 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '0');
});

describe('-b FILE with a command as well', () => {
  it('is refused with status 2 before anything runs: neither the file nor the command', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.9.9', 'id', '9');
    const batch = file('adds.txt', 'endpoint add 10.0.1.1 id 1\n');
    for (const args of [
      ['-b', batch, 'endpoint', 'show'],
      ['endpoint', 'show', '-b', batch],
      ['-b', batch, 'limits', 'set', 'subflows', '5'],
      ['--batch', '-', 'e', 's'],
    ]) {
      const r = runCli(['-n', ns, ...args], { input: 'endpoint add 10.0.1.2 id 2\n' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^mptcpctl: -b "[^"]+" runs the commands in that file: give no command on the command line as well \(got "(endpoint|limits) [^"]+"\)\n$/);
    }
    assert.equal(endpoints(), '10.0.9.9 id 9 \n');
    assert.equal(limits(), 'add_addr_accepted 0 subflows 2 \n');
  });
});

describe('a batch file is checked whole before its first request', () => {
  const text = [
    'endpoint add 10.0.1.1 id 1',
    'endpoint add 10.0.1.2 id 2 singal',
    '# a comment',
    'limits set subflows 4',
    'limits set subflows x',
    'endpoint add 10.0.1.5 id 5 dev nosuchdev0',
    'endpoint add 10.0.1.6 id 6 dev veth0',
    'monitor',
    '',
  ].join('\n');
  const bad = (name: string): string =>
    [
      `mptcpctl: ${name}:2: unknown word "singal": did you mean "signal"?`,
      `mptcpctl: ${name}:5: invalid subflows "x": expected a number from 0 to 8`,
      `mptcpctl: ${name}:6: device "nosuchdev0" does not exist in network namespace "${ns}"`,
      `mptcpctl: ${name}:8: "monitor" cannot be used in a batch file`,
      '',
    ].join('\n');

  it('every bad line is named with its number, status 2, nothing changed', () => {
    const path = file('bad.txt', text);
    const r = runCli(['-n', ns, '-b', path]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, bad(path));
    assert.equal(endpoints(), '');
    assert.equal(limits(), 'add_addr_accepted 0 subflows 2 \n');
  });

  it('standard input that is a regular file (-b - < FILE) is checked whole too', () => {
    const path = file('bad-stdin.txt', text);
    const fd = openSync(path, 'r');
    try {
      const r = spawnSync(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, '-b', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, bad('-'));
    } finally {
      closeSync(fd);
    }
    assert.equal(endpoints(), '');
    assert.equal(limits(), 'add_addr_accepted 0 subflows 2 \n');
  });

  it('with --force the bad lines are named and skipped, the others run (status 1)', () => {
    const path = file('bad-force.txt', text);
    const r = runCli(['-n', ns, '--force', '-b', path]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, bad(path));
    assert.equal(endpoints(), '10.0.1.1 id 1 \n10.0.1.6 id 6 dev veth0 \n');
    assert.equal(limits(), 'add_addr_accepted 0 subflows 4 \n');
  });

  it('a kernel refusal still stops the run at its line, after the check passed', () => {
    const path = file('refused.txt', 'endpoint add 10.0.1.1 id 1\nendpoint add 10.0.1.2 id 1\nendpoint add 10.0.1.3 id 3\n');
    const r = runCli(['-n', ns, '-b', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^mptcpctl: ${path}:2: kernel refused ADD_ADDR: [^\\n]*\\(EBUSY\\)[^\\n]*\\n$`));
    assert.equal(endpoints(), '10.0.1.1 id 1 \n');
  });
});

describe('a batch file writes its output in large pieces', () => {
  /** Runs mptcpctl with stdout and stderr on the same file, as `2>&1` does; returns what it wrote there. */
  function interleaved(args: string[]): { status: number | null; text: string } {
    const out = join(work, `interleaved-${Date.now()}.txt`);
    const fd = openSync(out, 'w');
    try {
      const r = spawnSync(cliCommand[0]!, [...cliCommand.slice(1), '-n', ns, ...args], { stdio: ['ignore', fd, fd] });
      return { status: r.status, text: readFileSync(out, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  it('yet in the order the lines ran: what a line printed comes before a later line\'s error', () => {
    ip(ns, 'mptcp', 'endpoint', 'add', '10.0.1.1', 'id', '1');
    const path = file('ordered.txt', 'endpoint show id 1\nlimits show\nendpoint show id 77\nlimits show\n');
    const r = interleaved(['--force', '-b', path]);
    assert.equal(r.status, 1);
    const lines = r.text.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['10.0.1.1 id 1 ', 'add_addr_accepted 0 subflows 2 ']);
    assert.match(lines[2]!, new RegExp(`^mptcpctl: ${path}:3: kernel refused GET_ADDR: `));
    assert.deepEqual(lines.slice(3), ['add_addr_accepted 0 subflows 2 ', '']);
  });

  it('a signal ends it with what the lines that ran printed, held or not', async () => {
    // Ten lines of output (well under a piece), then a long run of silent changes; the signal
    // comes once the kernel shows the first change, so the ten have run.
    const path = file('interrupted.txt', `${'limits show\n'.repeat(10)}${'limits set subflows 3\n'.repeat(100_000)}`);
    const p = spawnCli(['-n', ns, '-b', path]);
    await p.until('the first change', () => limits().includes('subflows 3'));
    p.child.kill('SIGINT');
    assert.deepEqual(await p.exit(), { code: null, signal: 'SIGINT' });
    assert.equal(p.stdout(), 'add_addr_accepted 0 subflows 2 \n'.repeat(10));
  });

  it('all of it, also beyond one piece (16 KiB)', () => {
    const path = file('long.txt', 'limits show\n'.repeat(2000));
    const r = runCli(['-n', ns, '-b', path]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'add_addr_accepted 0 subflows 2 \n'.repeat(2000));
  });
});

describe('a stream (-b - on a pipe) runs each line as it arrives', () => {
  it('as a coprocess: write a line, read its answer, then write the next', async () => {
    const p = spawnCli(['-n', ns, '-b', '-']);
    try {
      // The guard only turns a hang (a reader that waits for the end of input) into a failure.
      const answer = (what: string, expected: string): Promise<void> => p.until(what, () => p.stdout() === expected, 10_000);
      p.child.stdin!.write('endpoint add 10.0.1.1 id 1\nendpoint show\n');
      await answer('the first show', '10.0.1.1 id 1 \n');
      p.child.stdin!.write('limits show\n');
      await answer('limits', '10.0.1.1 id 1 \nadd_addr_accepted 0 subflows 2 \n');
      // The next line depends on the answer read, as a coprocess's script would.
      p.child.stdin!.write('endpoint delete id 1\nendpoint show id 1\n');
      await p.until('the refused lookup', () => p.stderr() !== '', 10_000);
      assert.match(p.stderr(), /^mptcpctl: -:5: /);
      assert.deepEqual(await p.exit(), { code: 1, signal: null });
    } finally {
      p.child.stdin!.destroy();
      await p.exit();
    }
    assert.equal(endpoints(), '');
  });

  it('a bad line stops the stream there; the lines before it stay done (status 1)', () => {
    const r = runCli(['-n', ns, '-b', '-'], { input: 'endpoint add 10.0.1.1 id 1\nendpoint add 10.0.1.2 id 2 singal\nendpoint add 10.0.1.3 id 3\n' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'mptcpctl: -:2: unknown word "singal": did you mean "signal"?\n');
    assert.equal(endpoints(), '10.0.1.1 id 1 \n');
  });

  it('a stream that never ends its line (-b /dev/zero) is refused at its line, status 2', () => {
    const r = runCli(['-n', ns, '-b', '/dev/zero']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mptcpctl: /dev/zero:1: a batch line is longer than 1048576 characters\n');
  });
});
