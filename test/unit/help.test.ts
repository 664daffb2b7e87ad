/**
 * The help, as people read it: every object's help lists every verb with its grammar (as ip's
 * usage does), no help shows commander's `[words...]` placeholder, and `help TOPIC` for a topic
 * that does not exist is a usage error naming it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entryOf, objects } from '../../src/cli/table/commands.js';
import { runCli } from '../../src/cli/run.js';

async function* nothing(): AsyncGenerator<Buffer> {}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, isTTY: false, stdin: nothing() });
  return { code, stdout, stderr };
}

/** An object's own verbs (not `limits monitor`, which runs the monitor). */
const verbsOf = (object: string): string[] => Object.keys(entryOf(object)!.verbs);
const objectsWithVerbs = objects.filter((o) => entryOf(o) && !entryOf(o)!.ownVerb);

describe('help', () => {
  for (const object of objectsWithVerbs) {
    it(`${object} --help, -h and help ${object} list every verb with its grammar`, async () => {
      const outs = await Promise.all([cli([object, '--help']), cli([object, '-h']), cli(['help', object])]);
      for (const r of outs) {
        assert.equal(r.code, 0);
        assert.equal(r.stdout, outs[0]!.stdout);
      }
      for (const verb of verbsOf(object)) {
        assert.match(outs[0]!.stdout, new RegExp(`^  mptcpctl ${object} ${verb}( |$)`, 'm'), `${object} ${verb}`);
      }
    });
  }

  it('the endpoint help carries ip\'s grammar of every verb', async () => {
    const { stdout } = await cli(['endpoint', '--help']);
    for (const line of [
      '  mptcpctl endpoint add ADDRESS [dev IFNAME] [id ID] [port PORT] [signal|subflow|backup|fullmesh|laminar]...',
      '  mptcpctl endpoint delete id ID [ADDRESS]',
      '  mptcpctl endpoint change [id ID] [ADDRESS] [port PORT] [backup|nobackup|fullmesh|nofullmesh]...',
      '  mptcpctl endpoint show [id ID] | token TOKEN [id ID] | --check',
      '  mptcpctl endpoint flush',
    ]) {
      assert.ok(stdout.split('\n').includes(line), line);
    }
  });

  it('no help shows a [words...] placeholder or an empty usage', async () => {
    const lines: string[][] = [['--help'], ...objectsWithVerbs.map((o) => [o, '--help'])];
    for (const object of objectsWithVerbs) for (const verb of verbsOf(object)) lines.push([object, verb, '--help']);
    for (const object of ['announce', 'remove', 'status', 'monitor', 'completion']) lines.push([object, '--help']);
    for (const argv of lines) {
      const r = await cli(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.doesNotMatch(r.stdout, /words\.\.\./, argv.join(' '));
      assert.doesNotMatch(r.stdout, /\[options\] \[words/, argv.join(' '));
    }
    assert.match((await cli(['status', '--help'])).stdout, /^Usage: mptcpctl status\n/);
    assert.match((await cli(['limits', 'show', '--help'])).stdout, /^Usage: mptcpctl limits show\n/);
  });

  it('help with an unknown topic is a usage error that names it', async () => {
    for (const [argv, message] of [
      [['help', 'bogus'], 'mptcpctl: unknown help topic "bogus" (expected one of: endpoint, limits, monitor, help, announce, remove, subflow, connection, status, completion, stats, exporter, config)\n'],
      [['help', 'endpont'], 'mptcpctl: unknown help topic "endpont": did you mean "endpoint"?\n'],
      [['help', 'endpoint', 'bogus'], 'mptcpctl: unknown help topic "endpoint bogus" (endpoint commands: add, change, delete, show, flush)\n'],
    ] as const) {
      const r = await cli([...argv]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', message], argv.join(' '));
    }
    const verb = await cli(['help', 'endpoint', 'add']);
    assert.equal(verb.code, 0);
    assert.match(verb.stdout, /^Usage: mptcpctl endpoint add ADDRESS /);
  });
});
