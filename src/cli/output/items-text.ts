/** Items as ip's text: their fragments in order, with ip 7.x's `-c` colours when asked. Pure. */
import { ipColorSpan } from './colors.js';
import type { IpTone, Item } from './items.js';

/** ip 7.x's `-c` colour codes (ip leaves flags uncoloured). */
export const ipToneCodes: Readonly<Record<IpTone, string>> = { inet: '1;35', inet6: '1;94', ifname: '1;36' };

/** One record's text; a coloured fragment is one span, its blanks included, as ip prints it. */
export function itemsText(items: readonly Item[], color: boolean): string {
  let out = '';
  for (const item of items) {
    if (item.text === undefined) continue;
    const code = color && item.tone && item.tone !== 'flag' ? ipToneCodes[item.tone] : undefined;
    out += code ? ipColorSpan(code, item.text) : item.text;
  }
  return out;
}
