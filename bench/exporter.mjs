// The exporter's cost of one scrape with 1,000 live MPTCP connections (issue 19): wall time of a
// scrape as the client sees it and the exporter's CPU time for it (from /proc), with every
// scrape reading the kernel (--max-age 0). Reference in the same run: `ss -Mnai` listing the
// same connections (its process start included), checked for sanity (it must list them all).
//
//   node bench/exporter.mjs [--connections N] [--scrapes N]
//
// Run as root after `npm run build`. Two throw-away namespaces: 1,000 connections from a to b;
// the exporter runs in a, serves both (-n a -n b), and is scraped over a's loopback.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchEnv, median } from './lib.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const connections = option('--connections', 1000);
const scrapes = option('--scrapes', 21);
const root = fileURLToPath(new URL('..', import.meta.url));
const probe = `${root}build/test/helpers/http-probe.js`;

const { createNetnsPair, deleteNetns } = await import('../build/test/helpers/netns.js');
const { holdClients, holdServer } = await import('../build/test/helpers/mptcp-hold.js');

/** User + system CPU seconds of process `pid` so far. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const pair = createNetnsPair('bexp', 1);
let server;
let clients;
let exporter;
try {
  server = await holdServer(pair.b, '0.0.0.0', 5700);
  clients = await holdClients(pair.a, pair.links[0].b4, 5700, connections);
  exporter = spawn('ip', ['netns', 'exec', pair.a, process.execPath, `${root}dist/mptcpctl.cjs`, 'exporter', '--listen', '127.0.0.1:0', '--max-age', '0', '-n', pair.a, '-n', pair.b], { env: benchEnv });
  let err = '';
  exporter.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 30000;
  while (!/listening on http:\/\/127\.0\.0\.1:(\d+)\//.test(err)) {
    if (Date.now() > deadline) throw new Error(`the exporter did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = /127\.0\.0\.1:(\d+)\//.exec(err)[1];
  const run = (n) => JSON.parse(spawnSync('ip', ['netns', 'exec', pair.a, process.execPath, probe, 'time', port, String(n)], { env: benchEnv, encoding: 'utf8' }).stdout);
  run(3); // warm-up: the JIT and the exporter's sockets
  const cpu0 = cpuSeconds(exporter.pid);
  const { ms, bytes } = run(scrapes);
  const cpu = (cpuSeconds(exporter.pid) - cpu0) / scrapes;
  // Reference: ss listing the same connections, with its process start, interleaved runs.
  const ssTimes = [];
  let listed = 0;
  for (let i = 0; i < scrapes; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('ip', ['netns', 'exec', pair.a, 'ss', '-Mnai'], { env: benchEnv, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    ssTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    listed = r.stdout.split('\n').filter((l) => l.startsWith('ESTAB')).length;
  }
  if (listed < connections) throw new Error(`reference not sane: ss listed ${listed} of ${connections} connections`);
  const scrapeMs = median(ms);
  const ssMs = median(ssTimes);
  console.log(`exporter: ${connections} live connections (both ends: ${2 * connections} in the two namespaces served), ${scrapes} scrapes, --max-age 0`);
  console.log(`  one scrape: median ${scrapeMs.toFixed(1)} ms wall (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}), exporter CPU ${(cpu * 1000).toFixed(1)} ms per scrape, ${bytes} bytes of metrics`);
  console.log(`  reference: ip netns exec ... ss -Mnai (${listed} connections listed) median ${ssMs.toFixed(1)} ms; scrape/ss ${(scrapeMs / ssMs).toFixed(2)}x`);
} finally {
  if (exporter?.pid) try { process.kill(exporter.pid, 'SIGTERM'); } catch { /* gone */ }
  await clients?.stop();
  await server?.stop();
  deleteNetns(pair.a);
  deleteNetns(pair.b);
}
