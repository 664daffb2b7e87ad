/**
 * ip's `-r` (resolve): an address as the host name the system resolver gives for it
 * (getnameinfo: /etc/hosts, then DNS, as ip's gethostbyaddr), or no name when it has none.
 * node:dns is loaded only for `-r`, by `require`: the bundles are compiled as scripts
 * (bin/mptcpctl, the single executable), where a dynamic import() of a built-in fails.
 */
import { lazyBuiltin } from '../util/require.js';

const dns = lazyBuiltin<typeof import('node:dns/promises')>('node:dns/promises');

export async function hostNames(addresses: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(addresses.filter((a) => a !== ''))];
  const names = await Promise.all(unique.map((a) => dns().lookupService(a, 0).then((r) => r.hostname, () => undefined)));
  const found = new Map<string, string>();
  unique.forEach((a, i) => names[i] !== undefined && found.set(a, names[i]!));
  return found;
}
