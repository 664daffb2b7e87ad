/**
 * Events as JSON Lines (pure): one compact object per line, with ip 7.1's monitor keys and
 * types in ip's order, plus `timestamp`, `error_name`, `reset_reason_name` and `unknown`.
 * The schema is documented in README.md ("Event monitor").
 */
import type { MptcpEvent } from '../../../mptcp/records.js';
import { eventItems, eventName, isoTimestamp, itemJson, type InterfaceNames } from './event-fields.js';

export interface EventJsonOptions {
  names: InterfaceNames;
  /** Microseconds since 1970: adds `"timestamp"` (ISO 8601, UTC, microseconds) first. */
  timestamp?: number;
}

type JsonObject = Record<string, string | number | boolean>;

/**
 * One event as one JSON line, `\n` included; keys in print order. Written out directly rather
 * than through an object and JSON.stringify: this is the monitor's hot path.
 */
export function eventJsonLine(event: MptcpEvent, options: EventJsonOptions): string {
  let line = options.timestamp === undefined ? '{' : `{"timestamp":"${isoTimestamp(options.timestamp)}",`;
  line += `"event":"${eventName(event.type)}"`;
  for (const item of eventItems(event, options.names)) {
    line += `,"${item.key}":${itemJson(item)}`;
    if (item.explain) line += `,"${item.explain.key}":"${item.explain.name}"`;
  }
  // Attributes newer than this tool: kept (by number, hex bytes), never dropped.
  if (event.unknown.length) {
    line += `,"unknown":{${event.unknown.map((a) => `"${a.type}":"${a.data.toString('hex')}"`).join(',')}}`;
  }
  return `${line}}\n`;
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
