/**
 * `stats`: the namespace's MPTcpExt counters, grouped and explained; `--delta S` their change
 * over S seconds; `--watch S` a live table on a terminal (JSON Lines when piped); `--prometheus`
 * the text exposition format (`--output FILE`: written atomically, for node_exporter's textfile
 * collector).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gaugeCounters } from '../../diag/counter-info.js';
import { counterDelta, readMptcpCounters, type Counter } from '../../diag/netstat.js';
import { SystemError, UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { quote } from '../grammar/words.js';
import { print } from '../output/print.js';
import { paint } from '../output/colors.js';
import { statsJson, statsJsonLine, statsTable, statsText, type StatsView } from '../output/records/stats.js';

/** The options as commander hands them over (strings, unchecked). */
export interface StatsOptions {
  all?: boolean;
  watch?: string;
  delta?: string;
  prometheus?: boolean;
  output?: string;
}

/** Checked options. */
export interface StatsArgs {
  all: boolean;
  watchSeconds?: number;
  deltaSeconds?: number;
  prometheus: boolean;
  output?: string;
}

/** The longest interval a timer can wait (2^31 - 1 ms), in whole seconds. */
const MAX_SECONDS = 2147483;

function seconds(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
    throw new UsageError(`invalid ${option} ${quote(text)}: expected seconds (a positive number up to ${MAX_SECONDS})`);
  }
  return value;
}

/** Checks the options (pure); nothing is read for invalid input. */
export function parseStatsOptions(o: StatsOptions): StatsArgs {
  const args: StatsArgs = { all: o.all ?? false, prometheus: o.prometheus ?? false };
  if (o.watch !== undefined && o.delta !== undefined) throw new UsageError('--watch and --delta cannot be combined (--watch shows the change at every refresh)');
  if (o.watch !== undefined) args.watchSeconds = seconds(o.watch, '--watch');
  if (o.delta !== undefined) args.deltaSeconds = seconds(o.delta, '--delta');
  if (args.prometheus && (o.watch !== undefined || o.delta !== undefined)) {
    throw new UsageError('--prometheus prints the current values: it takes no --watch or --delta (Prometheus computes rates itself)');
  }
  if (o.output !== undefined) {
    if (!args.prometheus) throw new UsageError('--output FILE goes with --prometheus');
    if (o.output === '' || o.output.endsWith('/')) throw new UsageError(`invalid --output ${quote(o.output)}: expected a file name`);
    args.output = o.output;
  }
  return args;
}

const isGauge = (name: string): boolean => gaugeCounters.has(name);

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export async function statsCommand(ctx: CommandContext, options: StatsOptions): Promise<void> {
  const args = parseStatsOptions(options);
  const netns = ctx.session.netns;
  if (args.prometheus) return prometheus(ctx, args);
  if (args.watchSeconds !== undefined) return watch(ctx, args, args.watchSeconds);
  const first = readMptcpCounters(netns);
  let view: StatsView = { counters: first, all: args.all };
  if (args.deltaSeconds !== undefined) {
    await sleep(args.deltaSeconds * 1000, new AbortController().signal);
    const counters = readMptcpCounters(netns);
    view = { counters, delta: new Map(counterDelta(first, counters, isGauge).map((c) => [c.name, c.value])), deltaOnly: true, all: args.all };
  }
  await print(ctx, {
    json: () => statsJson(view, ctx.out.pretty, args.deltaSeconds),
    table: (style, color, width) => statsTable(view, style, color, width),
    text: () => statsText(view),
  });
}

/**
 * `--watch S`: on a terminal the screen is redrawn every S seconds with the values and their
 * change, as watch(1) does; otherwise one JSON Line each time. SIGINT/SIGTERM end it (exit 0).
 */
async function watch(ctx: CommandContext, args: StatsArgs, interval: number): Promise<void> {
  const live = ctx.out.format === 'table';
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  try {
    const style = live ? await paint(ctx.out.color) : undefined;
    let previous: Counter[] | undefined;
    while (!stop.signal.aborted) {
      const counters = readMptcpCounters(ctx.session.netns);
      const now = new Date();
      const view: StatsView = { counters, all: args.all };
      if (previous) view.delta = new Map(counterDelta(previous, counters, isGauge).map((c) => [c.name, c.value]));
      if (live) {
        const where = ctx.session.netns === undefined ? '' : ` -n ${ctx.session.netns}`;
        const table = await statsTable(view, style!, ctx.out.color, ctx.out.width);
        // Home and clear, then the whole screen in one write, as watch(1) redraws.
        ctx.write(`\x1b[H\x1b[2J${style!.heading(`Every ${interval}s: mptcpctl${where} stats`)}    ${now.toISOString()}\n\n${table}`);
      } else {
        ctx.write(statsJsonLine(view, now, interval));
      }
      previous = counters;
      await sleep(interval * 1000, stop.signal);
    }
  } finally {
    process.removeListener('SIGINT', end);
    process.removeListener('SIGTERM', end);
  }
}

/** `--prometheus`: the namespace's metrics; with --output written to a temporary file and renamed over FILE. */
async function prometheus(ctx: CommandContext, args: StatsArgs): Promise<void> {
  const { MptcpMetrics } = await import('../prometheus/metrics.js');
  const { sampleNamespace } = await import('../../diag/sample.js');
  const netns = ctx.session.netns;
  const metrics = new MptcpMetrics({ netnsLabel: netns !== undefined, exporter: false });
  const sample = await sampleNamespace(netns, () => ctx.session.pathManager());
  // Unlike the exporter, a one-shot reading that missed a part says so: the file would be incomplete.
  for (const e of sample.errors) ctx.note(`mptcpctl: stats --prometheus: ${e.part} not read: ${e.message}`);
  metrics.beginScrape();
  metrics.record(netns, sample);
  const text = await metrics.text();
  if (args.output === undefined) return ctx.write(text);
  writeAtomically(args.output, text);
}

/**
 * Writes `text` to `file` so that a reader sees the old file or the new one, never a part: a
 * temporary file in the same directory (the same filesystem), then rename(2) over `file`.
 */
export function writeAtomically(file: string, text: string): void {
  // A dot name: node_exporter's textfile collector reads only *.prom, so it skips the temporary file.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { mode: 0o644, flag: 'wx' });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    const errno = (err as NodeJS.ErrnoException).errno;
    if (typeof errno === 'number') throw new SystemError((err as NodeJS.ErrnoException).syscall ?? 'write', Math.abs(errno), file);
    throw err;
  }
}
