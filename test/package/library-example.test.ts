/**
 * The README's library example, as another project uses it: the package is packed (`npm pack`),
 * the tarball installed into a throw-away project, the program under
 * `<!-- library-example: watch.mjs -->` in README.md saved there as written, and run against a
 * pair of throw-away namespaces. It must list the endpoints and limits, print the events of a
 * real connection, stop cleanly on SIGINT, and report a missing namespace in one line (exit 1).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../helpers/paths.js';
import { startClient, startServer, type Peer } from '../helpers/mptcp.js';
import { createNetnsPair, deleteNetns, ip, type NetnsPair } from '../helpers/netns.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-libex-'));
const project = join(work, 'my-project');
let pair: NetnsPair | undefined;
const peers: Peer[] = [];

after(async () => {
  for (const peer of peers) await peer.stop();
  if (pair) {
    deleteNetns(pair.a);
    deleteNetns(pair.b);
  }
  rmSync(work, { recursive: true, force: true });
});

/** npm without lifecycle scripts (the tests run after the build). */
function npm(cwd: string, ...args: string[]): string {
  const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The ```js block after `<!-- library-example: NAME -->` in README.md, as written. */
function readmeProgram(name: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- library-example: ${name.replace('.', '\\.')} -->\\n\`\`\`js\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  assert.ok(m, `README.md has no <!-- library-example: ${name} --> js block`);
  return `${m[1]}\n`;
}

/** A running `node watch.mjs ARGS`: its stdout lines as they come, and its exit. */
function runExample(...args: string[]) {
  const child = spawn(process.execPath, ['watch.mjs', ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: () => void }[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.match.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exit,
    /** Resolves when a line matching `match` was printed (or already was). */
    waitFor: (match: RegExp): Promise<void> =>
      lines.some((l) => match.test(l)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ match, resolve })),
  };
}

describe('README library example, from a packed tarball', { timeout: 300_000 }, () => {
  before(() => {
    const [packed] = JSON.parse(npm(repoRoot, 'pack', '--json', '--pack-destination', work)) as { filename: string }[];
    spawnSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-project', version: '1.0.0', private: true, type: 'module' }));
    npm(project, 'install', '--prefer-offline', join(work, packed!.filename));
    writeFileSync(join(project, 'watch.mjs'), readmeProgram('watch.mjs'));
    pair = createNetnsPair('lex', 2);
    ip(pair.a, 'mptcp', 'endpoint', 'add', pair.links[1]!.a4, 'id', '1', 'subflow');
  });

  test('node watch.mjs NS: endpoints, limits, the events of a connection, and a clean stop on SIGINT', async () => {
    const { a, b, links } = pair!;
    const run = runExample(a);
    try {
      await run.waitFor(/^watching events/);
      peers.push(await startServer(b, '0.0.0.0', 10100));
      const client = await startClient(a, links[0]!.b4, 10100);
      peers.push(client);
      const established = new RegExp(`^ESTABLISHED ${links[0]!.a4.replace(/\./g, '\\.')}:\\d+ -> ${links[0]!.b4.replace(/\./g, '\\.')}:10100$`);
      await run.waitFor(established);
      await run.waitFor(/^SUB_ESTABLISHED /);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await run.exit, 0, run.stderr());
    assert.equal(run.stderr(), '');
    const [l0, l1] = links;
    assert.deepEqual(run.lines.slice(0, 3), [`endpoint 1 ${l1!.a4} flags subflow`, 'limits subflows 2 add_addr_accepted 0', 'watching events (Ctrl-C stops)']);
    const events = run.lines.slice(3).map((l) => l.replace(/:\d+ ->/, ':PORT ->'));
    assert.deepEqual(events.slice(0, 2), [`CREATED ${l0!.a4}:PORT -> ${l0!.b4}:10100`, `ESTABLISHED ${l0!.a4}:PORT -> ${l0!.b4}:10100`]);
    assert.ok(events.includes(`SUB_ESTABLISHED ${l1!.a4}:PORT -> ${l0!.b4}:10100`), events.join('\n'));
  });

  test('node watch.mjs with a namespace that does not exist: one line on stderr, exit 1', async () => {
    const run = runExample('mptcpctl-no-such-ns');
    assert.equal(await run.exit, 1);
    assert.deepEqual(run.lines, []);
    assert.equal(run.stderr(), 'watch: network namespace "mptcpctl-no-such-ns": not found (no /run/netns/mptcpctl-no-such-ns; see `ip netns list`)\n');
  });
});
