/**
 * The monitor's options, checked (pure but for asking whether --ready-fd is open): by the monitor
 * command, and before that by run.ts for a line it subscribes for early (monitor-line.ts), so a
 * usage error opens nothing.
 */
import { UsageError } from '../../errors.js';
import { EventType } from '../../families/mptcp-pm.js';
import { didYouMean, parseToken, quote } from './words.js';
import { parseReadyFd } from '../readiness.js';
import { eventNames } from '../output/records/event-names.js';

/** The options as commander hands them over (strings, unchecked). */
export interface MonitorOptions {
  event?: string[];
  token?: string;
  count?: string;
  timeout?: string;
  rcvbuf?: string;
  readyFd?: string;
  /** Global `-t`: prefix each event with its time. */
  timestamp?: boolean;
}

/** Checked options. */
export interface MonitorArgs {
  /** Event types to print; undefined = all. */
  types?: ReadonlySet<number>;
  token?: number;
  count?: number;
  timeoutMs?: number;
  receiveBufferBytes?: number;
  /** Where to say "ready" once subscribed. */
  readyFd?: number;
  timestamp: boolean;
}

/** Event names as printed (case-insensitive), also the kernel's SUB_* spellings. */
const typesByName = new Map<string, number>([
  ...[...eventNames].map(([type, name]) => [name, type] as [string, number]),
  ...Object.entries(EventType),
]);

function parseTypes(lists: string[]): Set<number> {
  const types = new Set<number>();
  for (const word of lists.flatMap((l) => l.split(',')).map((w) => w.trim()).filter(Boolean)) {
    const type = typesByName.get(word.toUpperCase()) ?? (/^[0-9]+$/.test(word) ? Number(word) : undefined);
    if (type === undefined || type > 255) {
      const guess = didYouMean(word.toLowerCase(), [...eventNames.values()].map((n) => n.toLowerCase()))?.toUpperCase();
      throw new UsageError(`unknown event ${quote(word)}${guess ? `: did you mean "${guess}"?` : ` (expected ${[...eventNames.values()].join(', ')})`}`);
    }
    types.add(type);
  }
  if (!types.size) throw new UsageError('--event needs at least one event name');
  return types;
}

function positive(text: string, what: string, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`invalid ${what} ${quote(text)}: expected a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

/** `4194304`, `512K`, `16M` (powers of 1024). */
function parseBytes(text: string): number {
  const m = /^([0-9]+)\s*([kKmMgG])?i?[bB]?$/.exec(text.trim());
  const scale = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[(m?.[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const bytes = m ? Number(m[1]) * scale : NaN;
  if (!(bytes >= 1 && bytes <= 0x7fffffff)) throw new UsageError(`invalid --rcvbuf ${quote(text)}: expected bytes (1..2G), e.g. 262144, 512K, 16M`);
  return bytes;
}

/** The longest --timeout in ms: what a timer can wait (2^31 - 1 ms), rounded down to whole seconds. */
const MAX_TIMEOUT_MS = 2147483000;

/** Checks the options (pure but for asking whether --ready-fd is open); nothing is opened for invalid input. */
export function parseMonitorOptions(o: MonitorOptions): MonitorArgs {
  const args: MonitorArgs = { timestamp: o.timestamp ?? false };
  if (o.event?.length) args.types = parseTypes(o.event);
  if (o.token !== undefined) args.token = parseToken(o.token);
  if (o.count !== undefined) args.count = positive(o.count, '--count', true);
  if (o.timeout !== undefined) {
    args.timeoutMs = positive(o.timeout, '--timeout', false) * 1000;
    // setTimeout cannot wait longer: it would warn and fire after 1 ms instead.
    if (args.timeoutMs > MAX_TIMEOUT_MS) throw new UsageError(`invalid --timeout ${quote(o.timeout)}: at most ${MAX_TIMEOUT_MS / 1000} seconds (24.8 days)`);
  }
  if (o.rcvbuf !== undefined) args.receiveBufferBytes = parseBytes(o.rcvbuf);
  if (o.readyFd !== undefined) args.readyFd = parseReadyFd(o.readyFd);
  return args;
}

