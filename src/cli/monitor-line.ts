/**
 * Recognises, without commander, a command line that runs the monitor (pure), so that the
 * monitor subscribes before commander's tree and the renderers are loaded (run.ts): the kernel
 * queues the events of that time instead of them being missed by a script that starts the
 * monitor and acts at once. Only lines that commander runs as the monitor are taken
 * (test/unit/monitor-line.test.ts holds it to commander's reading); anything else (help,
 * --debug, an option it does not know, a value that looks like an option) goes the usual way
 * and subscribes when the monitor starts.
 */

import type { MonitorOptions } from './grammar/monitor.js';
import { globalOptions, type GlobalOption } from './table/global-options.js';

/** The monitor's line: where, and its options as commander would hand them over. */
export interface MonitorLine {
  netns?: string;
  options: MonitorOptions;
}

const spellings = (o: GlobalOption): string[] => (o.short ? [o.long, o.short] : [o.long]);

/** The options a monitor line may hold, built when a line names `monitor`. */
function monitorTables() {
  const { json, pretty, verbose, oneline, timestamp, netns, format } = globalOptions;
  return {
    /** Options without a value that may stand anywhere in a monitor line (normalizeArgv's spelling). */
    flags: new Set([json, pretty, verbose, oneline, timestamp].flatMap(spellings)),
    timestamp: spellings(timestamp),
    netns: spellings(netns),
    /** Global options with a value (anywhere), and their allowed values where commander checks them. */
    globalValues: new Map<string, readonly string[] | undefined>([...spellings(netns).map((s): [string, undefined] => [s, undefined]), [format.long, format.choices]]),
    /** The monitor's own options with a value (after `monitor` only), and their option keys. */
    monitorValues: new Map<string, Exclude<keyof MonitorOptions, 'timestamp'>>([
      ['--event', 'event'],
      ['--token', 'token'],
      ['--count', 'count'],
      ['--timeout', 'timeout'],
      ['--rcvbuf', 'rcvbuf'],
      ['--ready-fd', 'readyFd'],
    ]),
  };
}

/** `argv` as normalizeArgv returns it; undefined unless it surely runs the monitor. */
export function monitorLine(argv: readonly string[]): MonitorLine | undefined {
  if (!argv.includes('monitor')) return undefined;
  const { flags, timestamp, netns, globalValues, monitorValues } = monitorTables();
  let namespace: string | undefined;
  let monitor = false;
  const options: MonitorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === 'monitor' && !monitor) {
      monitor = true;
      continue;
    }
    if (flags.has(arg)) {
      if (timestamp.includes(arg)) options.timestamp = true;
      continue;
    }
    const inline = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = inline > 0 ? arg.slice(0, inline) : arg;
    const isGlobal = globalValues.has(name);
    const key = monitor ? monitorValues.get(name) : undefined;
    if (!isGlobal && !key) return undefined;
    const value = inline > 0 ? arg.slice(inline + 1) : argv[++i];
    if (value === undefined || value.startsWith('-')) return undefined;
    if (isGlobal && !(globalValues.get(name)?.includes(value) ?? true)) return undefined;
    if (netns.includes(name)) namespace = value;
    // As commander: --event adds to a list, the others keep their last value.
    if (key === 'event') options.event = [...(options.event ?? []), value];
    else if (key) options[key] = value;
  }
  if (!monitor) return undefined;
  return namespace === undefined ? { options } : { netns: namespace, options };
}
