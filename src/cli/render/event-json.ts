/**
 * Events as JSON Lines (pure): one compact object per line, with ip 7.1's monitor keys and
 * types in ip's order, plus `timestamp`, `error_name`, `reset_reason_name` and `unknown`.
 * The schema is documented in README.md ("Event monitor").
 */
import type { MptcpEvent } from '../../mptcp/records.js';
import { eventItems, eventName, isoTimestamp, type InterfaceNames } from './event-fields.js';

export interface EventJsonOptions {
  names: InterfaceNames;
  /** Microseconds since 1970: adds `"timestamp"` (ISO 8601, UTC, microseconds) first. */
  timestamp?: number;
}

type JsonObject = Record<string, string | number | boolean | Record<string, string>>;

/** The object for one event; its key order is the print order. */
export function eventObject(event: MptcpEvent, options: EventJsonOptions): JsonObject {
  const obj: JsonObject = {};
  if (options.timestamp !== undefined) obj['timestamp'] = isoTimestamp(options.timestamp);
  obj['event'] = eventName(event.type);
  for (const item of eventItems(event, options.names)) {
    obj[item.key] = item.json;
    if (item.explain) obj[item.explain.key] = item.explain.name;
  }
  // Attributes newer than this tool: kept (by number, hex bytes), never dropped.
  if (event.unknown.length) {
    const unknown: Record<string, string> = {};
    for (const attr of event.unknown) unknown[String(attr.type)] = attr.data.toString('hex');
    obj['unknown'] = unknown;
  }
  return obj;
}

/** One event as one JSON line, `\n` included. */
export function eventJsonLine(event: MptcpEvent, options: EventJsonOptions): string {
  return `${JSON.stringify(eventObject(event, options))}\n`;
}

/** What the kernel dropped (ENOBUFS): `{"event":"LOST","overruns":N,"lost":M}`. */
export interface LostReport {
  /** Receive-buffer overruns so far (each ENOBUFS the socket reported). */
  overruns: number;
  /** Events dropped since the previous report, when the kernel says (SO_MEMINFO drops). */
  lost?: number;
}

export function lostJsonLine(report: LostReport, timestamp?: number): string {
  const obj: JsonObject = {};
  if (timestamp !== undefined) obj['timestamp'] = isoTimestamp(timestamp);
  obj['event'] = 'LOST';
  obj['overruns'] = report.overruns;
  if (report.lost !== undefined) obj['lost'] = report.lost;
  return `${JSON.stringify(obj)}\n`;
}
