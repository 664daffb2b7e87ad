/** Items as JSON: one object per record, members in item order, printed as ip prints JSON. Pure. */
import { ipJson, type IpJsonObject } from './ip-json.js';
import type { Item } from './items.js';

export function itemsObject(items: readonly Item[]): IpJsonObject {
  const obj: IpJsonObject = {};
  for (const item of items) if (item.key !== undefined) obj[item.key] = item.json;
  return obj;
}

/** Records as ip's JSON array (`pretty`: ip's `-p`). */
export function itemsJson(records: readonly (readonly Item[])[], pretty: boolean): string {
  return ipJson(records.map(itemsObject), pretty);
}
