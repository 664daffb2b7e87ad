/**
 * The monitor's early subscription (src/cli/monitor-line.ts) against commander, the reference:
 * every line it takes must be one that commander runs as the monitor, in the same namespace, so
 * the early subscription is never made for a line that ends otherwise (help, a mistake), and its
 * options (checked before subscribing, so a usage error opens nothing) are commander's. Lines
 * it leaves alone are still the monitor's when commander says so; they just subscribe later.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.js';
import { monitorLine } from '../../src/cli/monitor-line.js';
import { buildProgram } from '../../src/cli/program.js';

/** What commander reads in a monitor line: the namespace and the monitor's options. */
type Reading = { netns?: string; options: Record<string, unknown> };

/** What commander would run the monitor with for `argv`, or 'not the monitor'. */
async function commanderMonitor(argv: readonly string[]): Promise<Reading | 'not the monitor'> {
  class Captured {
    constructor(readonly reading: Reading) {}
  }
  const program = buildProgram(
    '0.0.0-test',
    async (command: Command) => {
      if (command.name() !== 'monitor') throw new Error('another command');
      const all = command.optsWithGlobals<Record<string, unknown>>();
      const options = Object.fromEntries(['event', 'token', 'count', 'timeout', 'rcvbuf', 'readyFd', 'timestamp'].filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
      throw new Captured(all['netns'] === undefined ? { options } : { netns: all['netns'] as string, options });
    },
    { lazyVerbs: true },
  );
  const quiet = { writeOut: () => {}, writeErr: () => {} };
  program.exitOverride().configureOutput(quiet);
  for (const sub of program.commands) sub.exitOverride().configureOutput(quiet);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof Captured) return err.reading;
  }
  return 'not the monitor';
}

const prefixes = [[], ['-n', 'blue'], ['-netns', 'x', '-json'], ['-j', '-p'], ['-t'], ['--format', 'json'], ['-n', 'a', '-n', 'b']];
const monitorWords = [
  ['monitor'],
  ['monitor', '--json'],
  ['monitor', '-t', '--event', 'created,closed', '--token', '0a1b2c3d'],
  ['monitor', '--count', '3', '--timeout', '2.5', '--rcvbuf', '512K', '--ready-fd', '3'],
  ['monitor', '--count=3', '--ready-fd=4', '--event', 'created', '--event=closed,sf_closed', '--count', '5'],
  ['monitor', '-n', 'green'],
  ['monitor', '--netns', 'green', '-j'],
  ['mon'],
  ['limits', 'monitor'],
  ['mptcp', 'monitor', '-v', '-o'],
];
/** Lines the early route must leave alone, whatever commander makes of them. */
const leftAlone = [
  ['monitor', '--help'],
  ['monitor', '-h'],
  ['--debug', 'monitor'],
  ['monitor', '--debug'],
  ['monitor', 'extra'],
  ['monitor', '--bogus'],
  ['monitor', '--count'],
  ['monitor', '--count', '-1'],
  ['--count', '3', 'monitor'],
  ['--format', 'yaml', 'monitor'],
  ['-c', 'monitor'],
  ['monitor', 'monitor'],
  ['endpoint', 'show'],
  ['-b', 'file'],
  ['--version'],
  [],
];

describe('the monitor line, subscribed before commander loads', () => {
  test('takes the monitor lines, with the namespace and options commander reads', async () => {
    for (const prefix of prefixes) {
      for (const words of monitorWords) {
        const normalized = normalizeArgv([...prefix, ...words]);
        const line = monitorLine(normalized);
        assert.ok(line, `not taken: ${normalized.join(' ')}`);
        assert.deepEqual(line, await commanderMonitor(normalized), normalized.join(' '));
      }
    }
  });

  test('leaves help, --debug, mistakes and other commands alone', async () => {
    for (const argv of leftAlone) {
      let normalized: string[];
      try {
        normalized = normalizeArgv(argv);
      } catch {
        continue; // refused before any route is chosen
      }
      assert.equal(monitorLine(normalized), undefined, normalized.join(' '));
    }
  });

  test('whatever it takes, commander runs as the monitor (lines made of its own vocabulary)', async () => {
    // Every short combination of the words it knows: a line it takes must be the monitor's.
    const vocabulary = ['monitor', '-j', '-t', '--json', '-n', 'ns1', '--count', '2', '--format', 'text', '--ready-fd', '3', '--event', 'closed', 'x'];
    let taken = 0;
    const lines: string[][] = [[]];
    for (let length = 1; length <= 4; length++) {
      for (const line of lines.splice(0)) for (const word of vocabulary) lines.push([...line, word]);
      for (const line of lines) {
        const reading = monitorLine(line);
        if (!reading) continue;
        taken++;
        assert.deepEqual(reading, await commanderMonitor(line), line.join(' '));
      }
    }
    assert.ok(taken > 100, `only ${taken} lines taken`);
  });
});
