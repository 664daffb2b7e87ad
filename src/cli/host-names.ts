/**
 * ip's `-r` (resolve): an address as the host name the system resolver gives for it
 * (getnameinfo: /etc/hosts, then DNS, as ip's gethostbyaddr), or no name when it has none.
 * node:dns is loaded only for `-r`.
 */
export async function hostNames(addresses: readonly string[]): Promise<Map<string, string>> {
  const { lookupService } = await import('node:dns/promises');
  const unique = [...new Set(addresses.filter((a) => a !== ''))];
  const names = await Promise.all(unique.map((a) => lookupService(a, 0).then((r) => r.hostname, () => undefined)));
  const found = new Map<string, string>();
  unique.forEach((a, i) => names[i] !== undefined && found.set(a, names[i]!));
  return found;
}
