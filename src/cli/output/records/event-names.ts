/**
 * ip's names of the path-manager events (pure): what the renderers print, and what `monitor
 * --event` accepts (checked before the monitor subscribes, so in the main bundle).
 */
import { EventType } from '../../../mptcp/spec.js';

/** ip's event names (ip says SF_* where the kernel says SUB_*). */
export const eventNames: ReadonlyMap<number, string> = new Map([
  [EventType.CREATED, 'CREATED'],
  [EventType.ESTABLISHED, 'ESTABLISHED'],
  [EventType.CLOSED, 'CLOSED'],
  [EventType.ANNOUNCED, 'ANNOUNCED'],
  [EventType.REMOVED, 'REMOVED'],
  [EventType.SUB_ESTABLISHED, 'SF_ESTABLISHED'],
  [EventType.SUB_CLOSED, 'SF_CLOSED'],
  [EventType.SUB_PRIORITY, 'SF_PRIO'],
  [EventType.LISTENER_CREATED, 'LISTENER_CREATED'],
  [EventType.LISTENER_CLOSED, 'LISTENER_CLOSED'],
]);

/** `SF_ESTABLISHED` for 10, `UNKNOWN 42` for a type this tool does not know. */
export function eventName(type: number): string {
  return eventNames.get(type) ?? `UNKNOWN ${type}`;
}

