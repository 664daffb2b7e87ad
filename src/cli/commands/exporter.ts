/**
 * `exporter`: Prometheus metrics of one or more namespaces over HTTP. A scrape reads the kernel
 * afresh unless a reading younger than --max-age (1 s) is at hand, and concurrent scrapes share
 * one reading; a background monitor per namespace counts path-manager events. Runs until SIGTERM or SIGINT, which end it cleanly (exit 0).
 */
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import { sampleNamespace, type NamespaceSample } from '../../diag/sample.js';
import { NotFoundError, PermissionError, SystemError, UsageError } from '../../errors.js';
import { MptcpPm } from '../../pm/client.js';
import { checkNetnsName } from '../../sys/netns.js';
import type { CommandContext } from '../context.js';
import { quote } from '../grammar/words.js';
import { defaultHttpLimits, startMetricsServer, stopMetricsServer, type HttpLimits } from '../prometheus/http.js';
import { MptcpMetrics } from '../prometheus/metrics.js';

/** The options as commander hands them over (strings, unchecked). */
export interface ExporterOptions {
  listen?: string;
  maxConnections?: string;
  /** `--no-events` sets this false. */
  events?: boolean;
  maxAge?: string;
}

export interface ExporterArgs {
  host: string;
  port: number;
  limits: HttpLimits;
  events: boolean;
  /** A reading younger than this serves the scrape instead of a new one. */
  maxAgeMs: number;
}

export const DEFAULT_PORT = 9891;
const DEFAULT_HOST = '127.0.0.1';
/**
 * Scrapes within this long of a reading are served that reading: a flood of scrapes costs at
 * most one pass over the kernel per interval (a reading blocks the event loop while it runs).
 */
const DEFAULT_MAX_AGE_MS = 1000;
/** How long a failed event monitor waits before it subscribes again. */
const EVENTS_RETRY_MS = 5000;

/** `PORT`, `ADDR:PORT` (IPv4 or a host name) or `[IPv6]:PORT`. Pure. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):)?([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  const host = m?.[1] ?? m?.[2] ?? DEFAULT_HOST;
  const valid = m && port <= 65535 && (m[1] ? isIP(m[1]) === 6 : !m[2] || isIP(m[2]) === 4 || /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(m[2]));
  if (!valid) throw new UsageError(`invalid --listen ${quote(text)}: expected PORT, ADDR:PORT or [IPV6]:PORT (port 0..65535), e.g. 127.0.0.1:${DEFAULT_PORT}`);
  return { host, port };
}

/** Checks the options (pure); nothing is opened for invalid input. */
export function parseExporterOptions(o: ExporterOptions): ExporterArgs {
  const { host, port } = o.listen === undefined ? { host: DEFAULT_HOST, port: DEFAULT_PORT } : parseListen(o.listen);
  const limits = { ...defaultHttpLimits };
  if (o.maxConnections !== undefined) {
    const n = Number(o.maxConnections);
    if (!/^[0-9]+$/.test(o.maxConnections) || n < 1 || n > 65535) throw new UsageError(`invalid --max-connections ${quote(o.maxConnections)}: expected 1..65535`);
    limits.maxConnections = n;
  }
  let maxAgeMs = DEFAULT_MAX_AGE_MS;
  if (o.maxAge !== undefined) {
    const seconds = Number(o.maxAge);
    if (o.maxAge.trim() === '' || !(seconds >= 0 && seconds <= 3600)) throw new UsageError(`invalid --max-age ${quote(o.maxAge)}: expected seconds, 0..3600`);
    maxAgeMs = seconds * 1000;
  }
  return { host, port, limits, events: o.events ?? true, maxAgeMs };
}

/** One namespace's readers: a path-manager client kept across scrapes, reopened after a failure. */
class NamespaceReader {
  private pm: Promise<MptcpPm> | undefined;

  constructor(readonly netns: string | undefined) {}

  async sample(): Promise<NamespaceSample> {
    const sample = await sampleNamespace(this.netns, () => (this.pm ??= MptcpPm.open(this.netns === undefined ? {} : { netns: this.netns })));
    // A socket that failed (or a namespace that went away) is not reused.
    if (sample.errors.some((e) => e.part === 'endpoints' || e.part === 'limits' || e.part === 'netns')) await this.close();
    return sample;
  }

  async close(): Promise<void> {
    const pm = this.pm;
    this.pm = undefined;
    await (await pm?.catch(() => undefined))?.close();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    // The listener goes with the timer: a monitor retrying for days must not pile them up.
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Counts the events of `netns` into `metrics` until `signal` aborts; after a failure (no
 * CAP_NET_ADMIN, a namespace that went away) it counts the error, says so once, and tries again.
 */
async function countEvents(ctx: CommandContext, netns: string | undefined, metrics: MptcpMetrics, signal: AbortSignal): Promise<void> {
  const labels = metrics.labels(netns);
  let said = false;
  while (!signal.aborted) {
    try {
      const pm = await MptcpPm.open(netns === undefined ? {} : { netns });
      try {
        const onOverrun = ({ lost }: { lost: number | undefined }): void => void metrics.eventsLost?.inc(labels, lost ?? 0);
        for await (const event of pm.events({ signal, onOverrun })) metrics.countEvent(netns, event.type);
      } finally {
        await pm.close();
      }
    } catch (err) {
      if (signal.aborted) return;
      metrics.scrapeErrors?.inc({ part: 'events', ...labels });
      if (!said) {
        const where = netns === undefined ? '' : ` of namespace ${JSON.stringify(netns)}`;
        const why = err instanceof PermissionError ? 'joining the event group needs CAP_NET_ADMIN' : err instanceof Error ? err.message : String(err);
        ctx.note(`mptcpctl: exporter: events${where} are not counted: ${why}; retrying every ${EVENTS_RETRY_MS / 1000} s`);
        said = true;
      }
    }
    await pause(EVENTS_RETRY_MS, signal);
  }
}

export async function exporterCommand(ctx: CommandContext, options: ExporterOptions, namespaces: string[]): Promise<void> {
  const args = parseExporterOptions(options);
  // Each -n is checked as the global one is (only the last reaches the context's check).
  for (const name of namespaces) {
    const problem = checkNetnsName(name);
    if (problem) throw new UsageError(`invalid -n ${quote(name)} (a namespace name): ${problem}`);
  }
  const readers = (namespaces.length ? namespaces : [undefined]).map((ns) => new NamespaceReader(ns));
  const metrics = new MptcpMetrics({ netnsLabel: namespaces.length > 0, exporter: true });
  // Concurrent scrapes share one reading, and so do those within --max-age of it.
  let reading: Promise<string> | undefined;
  let last: { at: number; text: string } | undefined;
  let readBefore = false;
  const read = async (): Promise<string> => {
    const started = process.hrtime.bigint();
    const samples: NamespaceSample[] = [];
    for (const reader of readers) samples.push(await reader.sample());
    metrics.beginScrape();
    readers.forEach((reader, i) => metrics.record(reader.netns, samples[i]!));
    // The first reading says what is missing (a misspelt -n, no privilege); later ones only count it.
    if (!readBefore) {
      readBefore = true;
      readers.forEach((reader, i) => {
        for (const e of samples[i]!.errors) ctx.note(`mptcpctl: exporter: ${reader.netns === undefined ? '' : `namespace ${JSON.stringify(reader.netns)}: `}${e.part} not read: ${e.message}`);
      });
    }
    metrics.scrapeDuration?.set(Number(process.hrtime.bigint() - started) / 1e9);
    return metrics.text();
  };
  const scrape = async (): Promise<{ contentType: string; body: string }> => {
    const contentType = metrics.registry.contentType;
    if (last && Date.now() - last.at < args.maxAgeMs) return { contentType, body: last.text };
    if (!reading) {
      const at = Date.now();
      reading = read()
        .then((text) => ((last = { at, text }), text))
        .finally(() => (reading = undefined));
    }
    return { contentType, body: await reading };
  };

  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  let server: Server | undefined;
  const monitors: Promise<void>[] = [];
  try {
    try {
      server = await startMetricsServer({ host: args.host, port: args.port, limits: args.limits, scrape });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // A host name that does not resolve fails in getaddrinfo, whose codes are not errno values.
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') throw new NotFoundError(`cannot listen on ${args.host}:${args.port}: the host name ${quote(args.host)} does not resolve (${e.code})`);
      if (typeof e.errno === 'number') throw new SystemError('listen', Math.abs(e.errno), `${args.host}:${args.port}`);
      throw err;
    }
    const address = server.address();
    const bound = address && typeof address === 'object' ? `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : `${args.host}:${args.port}`;
    ctx.note(`mptcpctl: exporter listening on http://${bound}/metrics`);
    await scrape().catch(() => undefined);
    if (args.events) {
      for (const r of readers) {
        metrics.startEvents(r.netns);
        monitors.push(countEvents(ctx, r.netns, metrics, stop.signal));
      }
    }
    if (!stop.signal.aborted) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    process.removeListener('SIGINT', end);
    process.removeListener('SIGTERM', end);
    stop.abort();
    if (server) await stopMetricsServer(server);
    await Promise.all(monitors);
    await reading?.catch(() => undefined);
    for (const r of readers) await r.close();
  }
}
