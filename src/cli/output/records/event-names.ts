/**
 * ip's names of the path-manager events (pure): what the renderers print, and what `monitor
 * --event` accepts (checked before the monitor subscribes, so in the main bundle).
 */
import { ipEventNames } from '../../../families/mptcp-pm.js';

/** ip's event names (ip says SF_* where the kernel says SUB_*). */
export const eventNames: ReadonlyMap<number, string> = ipEventNames;

/** `SF_ESTABLISHED` for 10, `UNKNOWN 42` for a type this tool does not know. */
export function eventName(type: number): string {
  return eventNames.get(type) ?? `UNKNOWN ${type}`;
}
