/**
 * Events as `ip mptcp monitor` (iproute2 7.1) prints them, one line each (pure):
 *   [     ESTABLISHED] token=0a0b0c0d remid=0 locid=0 saddr4=10.0.0.1 ... server_side
 * Plain text is byte-identical to ip; `color` adds ip 7.x's colours (addresses, interface
 * names); `human` (terminal output) also colours the event kind and explains numeric codes.
 */
import type { MptcpEvent } from '../../../mptcp/records.js';
import { eventItems, eventName, eventNames, itemText, localTimestamp, type EventItem, type InterfaceNames } from './event-fields.js';
import { ipColorSpan } from '../colors.js';
import { ipToneCodes } from '../items-text.js';

export interface EventTextOptions {
  names: InterfaceNames;
  /** ip 7.x colours (`-c`). */
  color?: boolean;
  /** Terminal output: event kinds coloured, `error=111 (ECONNREFUSED)`, reset reasons named. */
  human?: boolean;
  /** Microseconds since 1970: prefix `[YYYY-MM-DDTHH:MM:SS.uuuuuu] ` (ip's `-ts`, local time). */
  timestamp?: number;
}

/** Our own colours for event kinds (terminal only; ip has none). */
function kindColor(name: string): string {
  if (name.endsWith('CLOSED') || name === 'REMOVED') return '31';
  if (name === 'CREATED' || name.endsWith('ESTABLISHED')) return '32';
  if (name === 'ANNOUNCED' || name === 'SF_PRIO') return '33';
  return '35';
}

const DIM = '2';

/** ip right-aligns known names in 16 columns: `[  SF_ESTABLISHED]`; `[UNKNOWN n]` is printed as it is. */
const heads: ReadonlyMap<number, string> = new Map([...eventNames].map(([type, name]) => [type, `[${name.padStart(16)}]`]));

function printedItem(item: EventItem, options: EventTextOptions): string {
  // ip's colour span covers the whole printed item, leading space included.
  let text = ` ${itemText(item)}`;
  if (options.color && item.color) text = ipColorSpan(ipToneCodes[item.color], text);
  if (options.human && item.explain) {
    const why = `(${item.explain.name}${item.explain.description ? `: ${item.explain.description}` : ''})`;
    text += ` ${options.color ? ipColorSpan(DIM, why) : why}`;
  }
  return text;
}

/** One event as one line, `\n` included. */
export function eventText(event: MptcpEvent, options: EventTextOptions): string {
  const name = eventName(event.type);
  let head = heads.get(event.type) ?? `[${name}]`;
  if (options.human && options.color) head = ipColorSpan(kindColor(name), head);
  let line = options.timestamp === undefined ? head : `[${localTimestamp(options.timestamp)}] ${head}`;
  for (const item of eventItems(event, options.names)) line += printedItem(item, options);
  if (options.human) {
    for (const attr of event.unknown) line += ` attr${attr.type}=0x${attr.data.toString('hex')}`;
  }
  return `${line}\n`;
}
