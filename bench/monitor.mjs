// The event monitor's speed, two ways (run as root after `npm run build`):
//   node bench/monitor.mjs [decode] [storm] [--events N] [--connections N] [--also BUNDLE]
// decode: in-process decode + render throughput on real event datagrams recorded from this
//   kernel (bench/fixtures/events.json, made by bench/fixtures/record.mjs), for JSON Lines and
//   ip's text, and the RSS growth over the run (default 1,000,000 events each).
// storm: N MPTCP connections (default 2000, four clients at once) between two throw-away
//   namespaces while `ip mptcp monitor`, `mptcpctl monitor` and `mptcpctl monitor --json` watch
//   the server side: events each delivered per second (from the storm's start to its last
//   CLOSED) and the CPU each used (all threads, from /proc/PID/task/*/schedstat), counted from
//   when each was ready (mptcpctl: its --ready-fd line; ip: its group membership). --also BUNDLE
//   adds `node BUNDLE monitor --json` of another build (e.g. the code before a change; ready when
//   subscribed) to the same storm. Both modes run when none is named.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// NODE_EXTRA_CA_CERTS makes every Node start slower; the monitors started below must not pay it.
delete process.env.NODE_EXTRA_CA_CERTS;

const argv = process.argv.slice(2);
const text = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const option = (name, fallback) => Number(text(name) ?? fallback);
const modes = argv.filter((a) => a === 'decode' || a === 'storm');
const run = (mode) => modes.length === 0 || modes.includes(mode);

const { decodeEventDatagram } = await import('../build/src/mptcp/codec.js');
const { eventJsonLine } = await import('../build/src/cli/output/records/event-json.js');
const { eventText } = await import('../build/src/cli/output/records/event-text.js');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en');

function decodeBench(total) {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/events.json', import.meta.url), 'utf8'));
  const datagrams = fixture.datagrams.map((d) => Buffer.from(d.hex, 'hex'));
  const familyId = datagrams[0].readUInt16LE(4);
  const names = new Map([[3, 'va1']]);
  console.log(`decode + render: ${datagrams.length} real datagrams recorded on Linux ${fixture.kernel}, replayed to ${total.toLocaleString('en')} events each`);
  const formats = {
    'JSON Lines': (e) => eventJsonLine(e, { names }),
    'JSON Lines -t': (e) => eventJsonLine(e, { names, timestamp: Date.now() * 1000 }),
    'ip text': (e) => eventText(e, { names }),
    'ip text -t': (e) => eventText(e, { names, timestamp: Date.now() * 1000 }),
  };
  for (const [label, render] of Object.entries(formats)) {
    const loop = (n) => {
      let events = 0;
      let bytes = 0;
      while (events < n) {
        // As the monitor does (MptcpPm.events): decode each datagram, render each event.
        for (const datagram of datagrams) {
          for (const event of decodeEventDatagram(datagram, familyId)) {
            bytes += render(event).length;
            events++;
          }
        }
      }
      return { events, bytes };
    };
    loop(50_000); // warm-up: let the JIT settle
    gc();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const { events, bytes } = loop(total);
    const ms = performance.now() - t0;
    const rssPeak = process.memoryUsage().rss;
    gc();
    const rss1 = process.memoryUsage().rss;
    console.log(
      `  ${label.padEnd(14)} ${rate(events, ms).padStart(11)} events/s  (${(ms / events * 1000).toFixed(2)} us/event, ${mib(bytes)} MiB out)  RSS ${mib(rss0)} -> ${mib(rssPeak)} MiB during, ${mib(rss1)} MiB after GC (${rss1 - rss0 >= 0 ? '+' : ''}${mib(rss1 - rss0)})`,
    );
  }
}

async function stormBench(connections) {
  const clients = 4;
  const { createNetnsPair, deleteNetns } = await import('../build/test/helpers/netns.js');
  const { runStorm, startServer } = await import('../build/test/helpers/mptcp.js');
  const { countEvents, startIpMonitor, startMptcpctlMonitor, startReadyMptcpctlMonitor } = await import('../build/test/helpers/monitor.js');
  const { MptcpPm } = await import('../build/src/pm/client.js');
  const pair = createNetnsPair('bmon', 1);
  const monitors = {};
  let server;
  try {
    const pm = await MptcpPm.open({ netns: pair.b });
    const group = pm.family.groups.get('mptcp_pm_events');
    await pm.close();
    monitors['ip mptcp monitor (6.1)'] = startIpMonitor(pair.b);
    await monitors['ip mptcp monitor (6.1)'].ready(group);
    monitors['mptcpctl monitor'] = await startReadyMptcpctlMonitor(pair.b);
    monitors['mptcpctl monitor --json'] = await startReadyMptcpctlMonitor(pair.b, ['--json']);
    const also = text('--also');
    if (also) {
      monitors['--also: monitor --json'] = startMptcpctlMonitor(pair.b, ['--json'], {}, [process.execPath, also]);
      await monitors['--also: monitor --json'].ready(group);
    }
    server = await startServer(pair.b, '0.0.0.0', 5600);
    const cpu0 = Object.fromEntries(Object.entries(monitors).map(([k, m]) => [k, m.cpuSeconds()]));
    const done = {};
    const t0 = performance.now();
    const poll = setInterval(() => {
      for (const [k, m] of Object.entries(monitors)) {
        if (done[k] === undefined && (countEvents(m.lines).get('CLOSED') ?? 0) >= connections) done[k] = performance.now() - t0;
      }
    }, 5);
    await Promise.all(Array.from({ length: clients }, () => runStorm(pair.a, pair.links[0].b4, 5600, connections / clients, 600000)));
    const stormMs = performance.now() - t0;
    for (const m of Object.values(monitors)) await m.waitFor('every CLOSED', (l) => (countEvents(l).get('CLOSED') ?? 0) >= connections, 120000);
    clearInterval(poll);
    for (const [k, m] of Object.entries(monitors)) done[k] ??= performance.now() - t0;
    const events = 3 * connections;
    console.log(`storm: ${connections} connections from ${clients} clients at once, server side watched (${events} events); clients done in ${(stormMs / 1000).toFixed(2)} s`);
    for (const [k, m] of Object.entries(monitors)) {
      const cpu = m.cpuSeconds() - cpu0[k];
      const lost = m.lines.filter((l) => l.includes('"LOST"')).length;
      console.log(
        `  ${k.padEnd(24)} ${rate(events, done[k]).padStart(8)} events/s delivered (last CLOSED at ${(done[k] / 1000).toFixed(2)} s), CPU ${cpu.toFixed(2)} s = ${((cpu / events) * 1e6).toFixed(1)} us/event${lost ? `, ${lost} LOST records` : ''}`,
      );
    }
  } finally {
    for (const m of Object.values(monitors)) await m.stop('SIGKILL');
    await server?.stop();
    deleteNetns(pair.a);
    deleteNetns(pair.b);
  }
}

if (run('decode')) decodeBench(option('--events', 1_000_000));
if (run('storm')) await stormBench(option('--connections', 2000));
