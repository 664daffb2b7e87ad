/** Items as ip's text: their fragments in order, with ip 7.x's `-c` colours when asked. Pure. */
import { ipColorSpan } from './colors.js';
import type { IpTone, Item, Tone } from './items.js';

/** ip 7.x's `-c` colour codes (the other tones are the tables' own). */
export const ipToneCodes: Readonly<Record<IpTone, string>> = { inet: '1;35', inet6: '1;94', ifname: '1;36' };

const ipCode = (tone: Tone): string | undefined => (tone in ipToneCodes ? ipToneCodes[tone as IpTone] : undefined);

/** One record's text; a coloured fragment is one span, its blanks included, as ip prints it. */
export function itemsText(items: readonly Item[], color: boolean): string {
  let out = '';
  for (const item of items) {
    if (item.text === undefined) continue;
    const code = color && item.tone ? ipCode(item.tone) : undefined;
    out += code ? ipColorSpan(code, item.text) : item.text;
  }
  return out;
}
