/**
 * Concurrency: 8 mptcpctl processes each run 500 add/delete operations on ids of their own in one
 * namespace, while a 9th flushes and dumps over and over. Every operation either succeeds or fails
 * with a clear kernel error (one line naming its batch line); every dump is well formed and shows
 * only endpoints that some worker added (id and address always belong together, at most 8); and
 * at the end mptcpctl and `ip` report the same endpoints.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { runCli } from '../helpers/cli.js';
import { cliBundle } from '../helpers/paths.js';
import { processesWith, spawnCli, type Spawned } from '../helpers/spawned.js';

const WORKERS = 8;
const OPERATIONS = 500;
const IDS_PER_WORKER = 30;
const FLUSHES = 150;
const DUMPS_PER_FLUSH = 40;

let ns: string;
before(() => {
  ns = createNetns('conc');
});
after(() => {
  deleteNetns(ns);
  assert.deepEqual(processesWith(cliBundle, ns), []);
});

/** Worker k owns ids 30k+1..30k+30; id i always goes with address 10.(k+1).0.(j+1). */
const idOf = (k: number, j: number): number => IDS_PER_WORKER * k + j + 1;
const addressOf = (id: number): string => `10.${Math.floor((id - 1) / IDS_PER_WORKER) + 1}.0.${((id - 1) % IDS_PER_WORKER) + 1}`;

function workerBatch(k: number): string[] {
  const lines: string[] = [];
  for (let n = 0; n < OPERATIONS / 2; n++) {
    const id = idOf(k, n % IDS_PER_WORKER);
    lines.push(`endpoint add ${addressOf(id)} id ${id} subflow`, `endpoint delete id ${id}`);
  }
  return lines;
}

/** A refused line: `mptcpctl: -:N: kernel refused OP: MESSAGE (ERRNO)...`, one line each. */
const REFUSED = /^mptcpctl: -:(\d+): kernel refused (ADD_ADDR|DEL_ADDR): [^\n]* \((E[A-Z0-9]+)\)/;

it(`${WORKERS} processes x ${OPERATIONS} operations, a 9th flushing and dumping: clear outcomes, consistent dumps, final state as ip sees it`, async () => {
  const workers: Spawned[] = [];
  // Dumps are cheap and flushes are not: many dumps between flushes keep the 9th busy for about as long as the workers.
  const flusher = spawnCli(['-n', ns, '-j', '-b', '-', '--force'], { input: `endpoint flush\n${'endpoint show\n'.repeat(DUMPS_PER_FLUSH)}`.repeat(FLUSHES) });
  for (let k = 0; k < WORKERS; k++) workers.push(spawnCli(['-n', ns, '-b', '-', '--force'], { input: `${workerBatch(k).join('\n')}\n` }));

  let succeeded = 0;
  const errnos = new Map<string, number>();
  for (const [k, w] of workers.entries()) {
    const exit = await w.exit(120_000);
    assert.equal(exit.signal, null);
    const stderrLines = w.stderr().split('\n').filter(Boolean);
    assert.equal(exit.code, stderrLines.length ? 1 : 0, `worker ${k}: ${w.stderr().slice(0, 500)}`);
    const failedLines = new Set<number>();
    for (const line of stderrLines) {
      const m = REFUSED.exec(line);
      assert.ok(m, `worker ${k}: not a clear kernel refusal: ${line}`);
      const lineNo = Number(m[1]);
      assert.ok(!failedLines.has(lineNo), `line ${lineNo} reported twice`);
      failedLines.add(lineNo);
      // An add may only fail if... never here (ids and addresses are this worker's own); a delete
      // fails when the flusher removed the endpoint first.
      assert.equal(m[2], 'DEL_ADDR', `worker ${k}: ${line}`);
      errnos.set(m[3]!, (errnos.get(m[3]!) ?? 0) + 1);
    }
    succeeded += OPERATIONS - failedLines.size;
  }

  const flushExit = await flusher.exit(120_000);
  assert.deepEqual(flushExit, { code: 0, signal: null }, flusher.stderr());
  const dumps = flusher.stdout().split('\n').filter(Boolean);
  assert.equal(dumps.length, FLUSHES * DUMPS_PER_FLUSH, 'one JSON document per dump');
  let seen = 0;
  for (const dump of dumps) {
    const endpoints = JSON.parse(dump) as { address: string; id: number; subflow?: boolean }[];
    assert.ok(endpoints.length <= WORKERS, `${endpoints.length} endpoints at once: ${dump}`);
    assert.equal(new Set(endpoints.map((e) => e.id)).size, endpoints.length, `duplicate ids: ${dump}`);
    for (const e of endpoints) {
      assert.equal(e.address, addressOf(e.id), `id and address do not belong together: ${dump}`);
      assert.deepEqual(Object.keys(e), ['address', 'id', 'subflow'], `not ip's layout: ${dump}`);
      assert.equal(e.subflow, true);
    }
    seen += endpoints.length;
  }

  // Every refusal was EINVAL "address not found" (a delete after a flush), and most operations succeeded.
  assert.deepEqual([...errnos.keys()].filter((e) => e !== 'EINVAL'), []);
  assert.ok(succeeded > WORKERS * OPERATIONS / 2, `${succeeded} of ${WORKERS * OPERATIONS} succeeded`);

  // The final state, as both tools report it.
  const final = runCli(['-n', ns, '-j', 'endpoint', 'show']);
  assert.equal(final.status, 0, final.stderr);
  assert.equal(final.stdout, ip(ns, '-j', 'mptcp', 'endpoint', 'show'));
  assert.equal(runCli(['-n', ns, 'endpoint', 'show']).stdout, ip(ns, 'mptcp', 'endpoint', 'show'));
  process.stdout.write(`# concurrency: ${WORKERS * OPERATIONS} operations, ${succeeded} succeeded, refused: ${JSON.stringify(Object.fromEntries(errnos))}; ${dumps.length} dumps with ${seen} endpoints in all, ${FLUSHES} flushes\n`);
});
