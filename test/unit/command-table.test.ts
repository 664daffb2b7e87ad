/**
 * The command table (src/cli/table/commands.ts) is the one place a verb is declared: every verb
 * in it is reachable by the direct route, through commander's tree (with its help), as a batch
 * line (through its own check) and by completion (with the table's words), and each lazily
 * loaded module is the source file the bundle split is told it is.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.js';
import { checkBatchLine } from '../../src/cli/batch.js';
import { completionModel, tableKeywords } from '../../src/cli/completion/model.js';
import { directRoute } from '../../src/cli/direct.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Session } from '../../src/cli/session.js';
import { commandTable, entryOf, objects, type ObjectEntry } from '../../src/cli/table/commands.js';
import { helpOf, objectsHelp } from '../../src/cli/table/help.js';
import { modules } from '../../src/cli/table/modules.js';
import { lazyEntries, placements } from '../../src/cli/table/bundles.js';
import { UsageError } from '../../src/errors.js';
import { repoRoot } from '../helpers/paths.js';
import { globalOptions, ipSpellings, type GlobalOption } from '../../src/cli/table/global-options.js';

/** Every `object verb` of the table, with the words a line names it by. */
const verbs = objects.flatMap((object) => {
  const entry = entryOf(object);
  if (!entry) return [];
  return Object.keys(entry.verbs).map((verb) => ({ object, verb, entry, line: entry.ownVerb ? [object] : [object, verb] }));
});

/** The verb commander's tree runs for `argv`: captured when its action asks for a context. */
async function throughCommander(argv: string[]): Promise<{ object: string; verb: string } | undefined> {
  let reached: { object: string; verb: string } | undefined;
  const program = buildProgram('0.0.0-test', async (command: Command) => {
    reached = { object: command.parent?.parent ? command.parent.name() : command.name(), verb: command.name() };
    throw new Error('captured');
  });
  const quiet = { writeOut: () => {}, writeErr: () => {} };
  const subcommands = (c: Command): Command[] => c.commands.flatMap((sub) => [sub, ...subcommands(sub)]);
  for (const c of [program, ...subcommands(program)]) c.exitOverride().configureOutput(quiet);
  await program.parseAsync(argv, { from: 'user' }).catch(() => undefined);
  return reached;
}

describe('the command table', () => {
  test('has the objects and verbs of the command line, in first-match order', () => {
    assert.deepEqual(objects, ['endpoint', 'limits', 'monitor', 'help', 'announce', 'remove', 'subflow', 'connection', 'status', 'completion', 'stats', 'exporter', 'config']);
    assert.deepEqual(
      verbs.map((v) => `${v.object} ${v.verb}`),
      [
        ...['add', 'change', 'delete', 'show', 'flush'].map((v) => `endpoint ${v}`),
        'limits set',
        'limits show',
        'announce announce',
        'remove remove',
        'subflow create',
        'subflow destroy',
        'subflow show',
        'connection show',
        'connection explain',
        'status status',
        ...['show', 'diff', 'apply', 'try', 'confirm', 'follow'].map((v) => `config ${v}`),
      ],
    );
  });

  for (const { object, verb, entry, line } of verbs) {
    test(`${object} ${verb}: direct route, commander, batch and completion all reach it`, async () => {
      const run = entry.verbs[verb]!.run;
      // The direct route, from the words as people type them.
      const direct = directRoute(normalizeArgv(line));
      assert.ok(direct, 'routed directly');
      assert.equal(direct.object, object);
      assert.equal(direct.verb, verb);
      assert.equal(direct.action, run);
      // commander's tree.
      assert.deepEqual(await throughCommander(normalizeArgv(line)), { object, verb: entry.ownVerb ? object : verb });
      // A batch line: checked by the verb's own check (a usage error of its words, or ready to run).
      try {
        const checked = checkBatchLine({} as Session, line.join(' '));
        assert.ok((checked instanceof Promise ? await checked : checked) instanceof Function);
      } catch (err) {
        assert.ok(err instanceof UsageError, String(err));
        assert.doesNotMatch(err.message, /cannot be used in a batch file/);
      }
      // Completion: the object, the verb and the table's words.
      const model = completionModel(buildProgram('0.0.0-test', async () => assert.fail('nothing runs')));
      const objectModel = model.objects.find((o) => o.name === object);
      assert.ok(objectModel);
      const keywords = entry.ownVerb ? objectModel.keywords : objectModel.verbs.find((v) => v.name === verb)?.keywords;
      assert.deepEqual(keywords, tableKeywords(helpOf(object, verb)!.words));
      assert.ok(keywords.every((k) => !k.word.includes(':') && k.word !== ''));
    });
  }

  test('every verb has its help, and the help names no verb the table lacks', () => {
    const helped = Object.entries(objectsHelp)
      .flatMap(([object, { verbs: list }]) => list.map((h) => `${object} ${h.verb}`))
      .sort();
    assert.deepEqual(helped, verbs.map((v) => `${v.object} ${v.verb}`).sort());
  });

  test('an object the table does not run is commander\'s alone', () => {
    for (const object of objects) {
      const entry: ObjectEntry | { commander: true } = commandTable[object];
      assert.ok('verbs' in entry || entry.commander, object);
    }
  });
});

describe('the global options', () => {
  test('commander registers each with its short and long form, in the table\'s order', () => {
    const program = buildProgram('0.0.0-test', async () => assert.fail('nothing runs'));
    const declared = Object.values<GlobalOption>(globalOptions).map((o) => [o.short, o.long]);
    // commander keeps its help option apart from the others.
    assert.deepEqual(
      program.options.map((o) => [o.short, o.long]),
      declared.filter(([, long]) => long !== '--help'),
    );
    assert.match(program.helpInformation(), /^ {2}-h, --help +show help/m);
  });

  test('argv turns ip\'s spelling of each into its long form', () => {
    for (const [name, o] of Object.entries<GlobalOption>(globalOptions)) {
      if (name === 'help' || name === 'version') continue;
      const value = o.value === 'required' ? [o.choices?.[0] ?? 'x'] : [];
      for (const ip of ipSpellings().filter((s) => s.option === name)) {
        assert.deepEqual(normalizeArgv([ip.ip, ...value, 'endpoint', 'show']), [o.long, ...(o.preset ? [o.preset] : value), 'endpoint', 'show'], ip.ip);
      }
    }
  });
});

describe('lazily loaded modules', () => {
  test('each load() loads its source file (the bundle split reads the sources)', async () => {
    for (const [name, load] of Object.entries(modules)) {
      const built = resolve(repoRoot, 'build', placements[name as keyof typeof modules].source.replace(/\.ts$/, '.js'));
      assert.equal(await load(), await import(pathToFileURL(built).href), name);
    }
  });

  test('the lazy bundle starts at the lazy modules', () => {
    assert.ok(lazyEntries.includes('src/cli/program.ts'));
    assert.ok(lazyEntries.includes('src/cli/commands/connection.ts'));
    assert.ok(!lazyEntries.includes('src/cli/commands/endpoint.ts'));
  });
});
