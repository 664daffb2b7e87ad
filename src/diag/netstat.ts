/**
 * The kernel's MPTCP counters (the `MPTcpExt` section of /proc/net/netstat), read inside a
 * network namespace. Names come from the kernel's own header line, so counters added by newer
 * kernels appear without a code change; counter-info.ts groups and explains the known ones.
 */
import { NotFoundError, SystemError } from '../errors.js';
import { readInNetns } from '../sys/netns.js';

const NETSTAT_PATH = '/proc/thread-self/net/netstat';

/** One counter as the kernel lists it, in the kernel's order. */
export interface Counter {
  name: string;
  value: number;
}

/** The section of /proc/net/netstat that holds MPTCP's counters. */
export const MPTCP_SECTION = 'MPTcpExt';

/**
 * /proc/net/netstat text -> each section's counters, in order. The file is pairs of lines, a
 * header (`Section: Name1 Name2 ...`) then values (`Section: 1 2 ...`). Pure.
 */
export function parseNetstat(text: string): Map<string, Counter[]> {
  const sections = new Map<string, Counter[]>();
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [section, ...names] = lines[i]!.trim().split(/\s+/);
    const [valueSection, ...values] = lines[i + 1]!.trim().split(/\s+/);
    // A header without its value line (a truncated read): the pairing is lost, stop here.
    if (!section?.endsWith(':') || valueSection !== section) break;
    sections.set(
      section.slice(0, -1),
      names.flatMap((name, k) => (values[k] !== undefined && /^[0-9]+$/.test(values[k]!) ? [{ name, value: Number(values[k]) }] : [])),
    );
  }
  return sections;
}

/** The MPTcpExt counters of /proc/net/netstat text; empty when the kernel has none (no MPTCP). Pure. */
export function mptcpCounters(netstat: string): Counter[] {
  return parseNetstat(netstat).get(MPTCP_SECTION) ?? [];
}

/**
 * Reads the MPTcpExt counters of `netns` (this namespace when undefined). /proc/thread-self/net
 * is the namespace of the reading thread, which readInNetns switches in and back.
 */
export function readMptcpCounters(netns: string | undefined): Counter[] {
  let text: string;
  try {
    text = readInNetns(netns, NETSTAT_PATH);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).errno;
    if (typeof errno === 'number') throw new SystemError('read', Math.abs(errno), NETSTAT_PATH);
    throw err;
  }
  const counters = mptcpCounters(text);
  if (!counters.length) throw new NotFoundError(`${NETSTAT_PATH} has no ${MPTCP_SECTION} counters: this kernel has no MPTCP (needs CONFIG_MPTCP)`);
  return counters;
}

/**
 * What changed from `before` to `after`, in `after`'s order: a counter that `before` lacks
 * counts from 0. Counters only grow, so a drop means the counter was reset or wrapped: the change
 * is then the new value, as Prometheus' rate() reads a reset. Gauges (`isGauge`) may go down, and
 * keep their signed difference. Pure.
 */
export function counterDelta(before: readonly Counter[], after: readonly Counter[], isGauge: (name: string) => boolean = () => false): Counter[] {
  const old = new Map(before.map((c) => [c.name, c.value]));
  return after.map(({ name, value }) => {
    const diff = value - (old.get(name) ?? 0);
    return { name, value: diff < 0 && !isGauge(name) ? value : diff };
  });
}

/** A name -> value object, in the counters' order (JSON output). */
export function countersObject(counters: readonly Counter[]): Record<string, number> {
  const object: Record<string, number> = {};
  for (const c of counters) object[c.name] = c.value;
  return object;
}
