/**
 * Recognises, without commander, a command line that runs the monitor (pure), so that the
 * monitor subscribes before commander's tree and the renderers are loaded (run.ts): the kernel
 * queues the events of that time instead of them being missed by a script that starts the
 * monitor and acts at once. Only lines that commander runs as the monitor are taken
 * (test/unit/monitor-line.test.ts holds it to commander's reading); anything else (help,
 * --debug, an option it does not know, a value that looks like an option) goes the usual way
 * and subscribes when the monitor starts.
 */

/** The monitor's line, as far as subscribing needs it. */
export interface MonitorLine {
  netns?: string;
}

/** Options without a value that may stand anywhere in a monitor line (normalizeArgv's spelling). */
const flags = new Set(['--json', '-j', '--pretty', '-p', '--verbose', '-v', '--oneline', '-o', '--timestamp', '-t']);
/** Global options with a value (anywhere), and their allowed values where commander checks them. */
const globalValues = new Map<string, readonly string[] | undefined>([
  ['--netns', undefined],
  ['-n', undefined],
  ['--format', ['auto', 'text', 'table', 'json']],
]);
/** The monitor's own options with a value (after `monitor` only). */
const monitorValues = new Set(['--event', '--token', '--count', '--timeout', '--rcvbuf', '--ready-fd']);

/** `argv` as normalizeArgv returns it; undefined unless it surely runs the monitor. */
export function monitorLine(argv: readonly string[]): MonitorLine | undefined {
  let netns: string | undefined;
  let monitor = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === 'monitor' && !monitor) {
      monitor = true;
      continue;
    }
    if (flags.has(arg)) continue;
    const inline = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = inline > 0 ? arg.slice(0, inline) : arg;
    const isGlobal = globalValues.has(name);
    if (!isGlobal && !(monitor && monitorValues.has(name))) return undefined;
    const value = inline > 0 ? arg.slice(inline + 1) : argv[++i];
    if (value === undefined || value.startsWith('-')) return undefined;
    if (isGlobal && !(globalValues.get(name)?.includes(value) ?? true)) return undefined;
    if (name === '--netns' || name === '-n') netns = value;
  }
  if (!monitor) return undefined;
  return netns === undefined ? {} : { netns };
}
