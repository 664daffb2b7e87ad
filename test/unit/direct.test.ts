/**
 * The direct route (src/cli/direct.ts) against commander, the reference: every command line the
 * route takes must reach the same action with the same options and words as through the command
 * tree, wherever its options stand; lines it must leave to commander (help, options it does not
 * know, `--`, monitor, completion, mistakes) are left.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.js';
import { entryOf } from '../../src/cli/table/commands.js';
import { directBatch, directRoute, type DirectRoute } from '../../src/cli/direct.js';
import { buildProgram } from '../../src/cli/program.js';

/** A route as commander can show it: everything but the action function. */
type Reading = Omit<DirectRoute, 'action'>;

/** The route's reading, after checking that its action is the table's for its object and verb. */
function readingOf(route: DirectRoute): Reading {
  const { action, ...reading } = route;
  assert.equal(action, entryOf(route.object)!.verbs[route.verb]!.run);
  return reading;
}

/** What the command tree would run for `argv`: captured when the action asks for its context. */
async function throughCommander(argv: string[]): Promise<Reading | undefined> {
  class Captured {
    constructor(readonly route: Reading) {}
  }
  const program = buildProgram(
    '0.0.0-test',
    async (command: Command) => {
      const object = command.parent?.parent ? command.parent.name() : command.name();
      const words = (command.processedArgs[0] as string[] | undefined) ?? [];
      throw new Captured({ options: { ...command.optsWithGlobals() }, object, verb: command.name(), words });
    },
    { lazyVerbs: true },
  );
  const quiet = { writeOut: () => {}, writeErr: () => {} };
  program.exitOverride().configureOutput(quiet);
  for (const sub of program.commands) sub.exitOverride().configureOutput(quiet);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof Captured) return err.route;
    return undefined;
  }
  return undefined;
}

const prefixes = [[], ['-n', 'blue'], ['--netns', 'blue', '-j'], ['-j', '-p'], ['-v'], ['-o'], ['--debug'], ['-n', 'a', '-n', 'b'], ['-netns', 'x', '-json'], ['-d'], ['-r'], ['-resolve', '-j'], ['-s', '-details', '-N', '-a', '-br', '-h', '-iec', '-4', '-6', '-0', '-echo', '-force'], ['-f', 'inet', '-l', '2', '-rc', '4096', '-M', '-B', '-human-readable', '-statistics', '-all', '-brief']];
const commands = [
  ['endpoint', 'show'],
  ['e', 's'],
  ['endpoint'],
  ['mptcp', 'endpoint', 'add', '10.0.0.1', 'id', '3', 'signal'],
  ['endpoint', 'change', 'id', '3', 'backup'],
  ['endpoint', 'delete', 'id', '1'],
  ['endpoint', 'flush', 'extra'],
  ['endpoint', 'show', 'token', '1a2b'],
  ['limits'],
  ['limits', 'set', 'subflows', '4'],
  ['l', 's', 'subflows', '2'],
  ['announce', '10.0.0.1', 'id', '2', 'token', '1a'],
  ['remove', 'id', '2', 'token', '1'],
  ['subflow', 'create', 'token', '1', 'local', '10.0.0.1', 'remote', '10.0.0.2', 'port', '80'],
  ['subflow', 'token', '1'],
  ['subflow'],
  ['connection'],
  ['conn', 'show'],
  ['status'],
];
/** Options among the words, as commander also reads them (`Options may come ... after the command`). */
const optionsAmongWords = [
  ['endpoint', 'show', '-j'],
  ['endpoint', '-j', 'show'],
  ['endpoint', 'show', 'id', '1', '-n', 'blue', '-p'],
  ['endpoint', 'add', '10.0.0.1', '-v', 'id', '3', 'signal', '--debug'],
  ['-n', 'a', 'limits', 'show', '-n', 'b', '--json'],
  ['announce', '10.0.0.1', '-o', 'id', '2', 'token', '1a'],
  ['subflow', 'token', '1', '-j'],
  ['status', '-j', '-p'],
  ['endpoint', 'show', '-r'],
  ['endpoint', 'show', '--resolve', '-j'],
];
/** Lines commander must read: not routed. */
const forCommander = [
  ['-c', 'endpoint', 'show'],
  ['--format', 'json', 'endpoint', 'show'],
  ['-t', 'endpoint', 'show'],
  ['monitor'],
  ['endpoint', '--help'],
  ['subflow', '-h'],
  ['help', 'endpoint', 'add'],
  ['-h'],
  ['--help'],
  ['--version'],
  ['help', 'endpoint'],
  ['completion', 'bash'],
  ['endpoint', 'show', '--', 'x'],
  ['endpoint', 'show', 'id', '1', '--format', 'json'],
  ['endpoint', 'show', '-c'],
  ['-n', '-j', 'endpoint', 'show'],
  ['endpoint', 'show', '-n'],
  ['-n'],
  ['-b', 'file', 'endpoint', 'show'],
  ['limits', 'monitor'],
  [],
];

/** The global options commander reads for a line without a command (a batch run), or undefined. */
async function batchThroughCommander(argv: string[]): Promise<Record<string, unknown> | undefined> {
  let options: Record<string, unknown> | undefined;
  const program = buildProgram('0.0.0-test', async () => {
    throw new Error('no command expected');
  });
  const quiet = { writeOut: () => {}, writeErr: () => {} };
  program
    .exitOverride()
    .configureOutput(quiet)
    .action(() => void (options = { ...program.opts() }));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return undefined;
  }
  return options;
}

describe('direct route', () => {
  test('reads batch runs (-b FILE, --force) as commander does; a command as well is left to commander', async () => {
    const lines = [
      ['-b', 'file.txt'],
      ['-b', '-'],
      ['-n', 'blue', '-b', '-', '--force'],
      ['-force', '-j', '-p', '-batch', 'f'],
      ['-b', 'f', '-v', '-o', '--debug'],
    ];
    for (const argv of lines) {
      const normalized = normalizeArgv(argv);
      const reading = directBatch(normalized);
      assert.ok(reading, `not routed: ${normalized.join(' ')}`);
      assert.deepEqual({ ...reading }, await batchThroughCommander(normalized), normalized.join(' '));
      assert.equal(directRoute(normalized), undefined, normalized.join(' '));
    }
    assert.equal(directBatch(normalizeArgv(['--force', 'limits'])), undefined, '--force limits is no batch run');
    for (const argv of [['-b', 'f', 'endpoint', 'show'], ['-b', 'f', '-c'], ['-b', '--json'], ['--force']]) {
      assert.equal(directBatch(normalizeArgv(argv)), undefined, argv.join(' '));
      assert.equal(directRoute(normalizeArgv(argv)), undefined, argv.join(' '));
    }
  });

  test('routes the common lines exactly as commander reads them', async () => {
    let routed = 0;
    for (const prefix of prefixes) {
      for (const command of commands) {
        const normalized = normalizeArgv([...prefix, ...command]);
        const route = directRoute(normalized);
        assert.ok(route, `not routed: ${normalized.join(' ')}`);
        assert.deepEqual(readingOf(route), await throughCommander(normalized), normalized.join(' '));
        routed++;
      }
    }
    assert.equal(routed, prefixes.length * commands.length);
  });

  test('routes options among the words as commander reads them', async () => {
    for (const argv of optionsAmongWords) {
      const normalized = normalizeArgv(argv);
      const route = directRoute(normalized);
      assert.ok(route, `not routed: ${normalized.join(' ')}`);
      assert.deepEqual(readingOf(route), await throughCommander(normalized), normalized.join(' '));
    }
  });

  test('leaves to commander what needs it', () => {
    for (const argv of forCommander) {
      let normalized: string[];
      try {
        normalized = normalizeArgv(argv);
      } catch {
        continue; // refused before any route is chosen
      }
      assert.equal(directRoute(normalized), undefined, normalized.join(' '));
    }
  });

  test('words that are not an object or verb are left to commander, which suggests', () => {
    assert.equal(directRoute(['endpoint', 'bogus']), undefined);
    assert.equal(directRoute(['endpointx']), undefined);
    assert.equal(directRoute(['toString']), undefined);
    assert.equal(directRoute(['endpoint', 'constructor']), undefined);
  });
});
