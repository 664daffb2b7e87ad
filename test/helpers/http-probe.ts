/**
 * HTTP clients for the exporter's kernel tests, run inside a test namespace (`ip netns exec NS
 * node build/test/helpers/http-probe.js MODE ...`) so that they reach the exporter on that
 * namespace's loopback. Each mode prints one JSON line with what it saw; every loop is bounded.
 *
 *   get PORT PATH [METHOD]   one request: {status, headers, body}
 *   raw PORT JSON_TEXT       send these bytes, read until the server closes (3 s at most): {response}
 *   slow PORT N              N clients that send their headers a byte at a time, then one normal
 *                            scrape with a 1 s deadline: {scrape: {status, error}, closedByServer}
 *   loop PORT COUNT [P]      COUNT scrapes, P clients at once (default 1): {count, failures}
 *   time PORT N              N scrapes one after another: {ms: [wall time of each], bytes}
 *   during PORT              scrapes until stdin closes; checks that counters never go down:
 *                            {count, failures, decreases}
 */
import { request, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

const [mode, portText, ...rest] = process.argv.slice(2);
const port = Number(portText);
const host = '127.0.0.1';
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, method = 'GET', timeoutMs = 10000): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

/** `mptcp_netstat_total{...}` values by their label text. */
function counters(body: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const m of body.matchAll(/^mptcp_netstat_total(\{[^}]*\}) ([0-9.e+]+)$/gm)) values.set(m[1]!, Number(m[2]));
  return values;
}

async function raw(text: string): Promise<void> {
  const socket = connect({ host, port });
  let response = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (response += d));
  socket.write(text);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (socket.destroy(), resolve()), 3000);
    socket.on('close', () => (clearTimeout(timer), resolve()));
    socket.on('error', () => undefined);
  });
  print({ response });
}

async function slow(n: number): Promise<void> {
  const sockets: Socket[] = [];
  let closedByServer = 0;
  const header = 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve) => {
        const socket = connect({ host, port }, () => {
          socket.write(header.slice(0, 10));
          resolve();
        });
        socket.on('close', () => closedByServer++);
        socket.on('error', () => undefined);
        socket.resume();
        sockets.push(socket);
      }),
    ),
  );
  // A byte every 300 ms: the header block never ends.
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('x');
  }, 300);
  const started = Date.now();
  let scrape: { status?: number; error?: string; bytes?: number };
  try {
    const r = await get('/metrics', 'GET', 1000);
    scrape = { status: r.status, bytes: r.body.length };
  } catch (err) {
    scrape = { error: (err as Error).message };
  }
  const elapsed = Date.now() - started;
  // The server must cut the slow ones off by itself (its header deadline); 20 s bounds the wait.
  const deadline = Date.now() + 20000;
  while (closedByServer < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(drip);
  for (const s of sockets) s.destroy();
  print({ scrape, elapsed, closedByServer, n });
}

/** COUNT scrapes by `parallel` clients at once, each one after another. */
async function loop(count: number, parallel: number): Promise<void> {
  let failures = 0;
  let started = 0;
  const client = async (): Promise<void> => {
    while (started < count) {
      started++;
      try {
        const r = await get('/metrics');
        if (r.status !== 200) failures++;
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, client));
  print({ count, failures });
}

async function during(): Promise<void> {
  let stop = false;
  process.stdin.on('end', () => (stop = true)).resume();
  let count = 0;
  let failures = 0;
  let decreases = 0;
  let last = new Map<string, number>();
  while (!stop) {
    try {
      const r = await get('/metrics');
      if (r.status !== 200) failures++;
      const now = counters(r.body);
      for (const [k, v] of now) if ((last.get(k) ?? 0) > v) decreases++;
      last = now;
      count++;
    } catch {
      failures++;
    }
  }
  print({ count, failures, decreases });
}

async function time(n: number): Promise<void> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const r = await get('/metrics');
    ms.push(performance.now() - started);
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    bytes = r.body.length;
  }
  print({ ms, bytes });
}

async function main(): Promise<void> {
  if (mode === 'get') print(await get(rest[0]!, rest[1] ?? 'GET'));
  else if (mode === 'raw') await raw(JSON.parse(rest[0]!) as string);
  else if (mode === 'slow') await slow(Number(rest[0]));
  else if (mode === 'loop') await loop(Number(rest[0]), Number(rest[1] ?? 1));
  else if (mode === 'during') await during();
  else if (mode === 'time') await time(Number(rest[0]));
  else throw new Error(`unknown mode ${mode}`);
  agent.destroy();
}

// `node --test build/test/` runs every file under test/ too: without a mode there is nothing to do.
if (mode !== undefined) {
  main().catch((err: Error) => {
    print({ error: err.message });
    process.exitCode = 1;
  });
}
