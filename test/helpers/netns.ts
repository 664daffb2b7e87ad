/**
 * Throw-away network namespaces for kernel tests. Every namespace made here is deleted in the
 * test's `after` hook, also when the test fails, and at process exit as a last resort.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const created = new Set<string>();

process.on('exit', () => {
  for (const name of created) spawnSync('ip', ['netns', 'del', name]);
});

/** A unique name: tests may run beside other processes that use namespaces too. */
export function uniqueNetnsName(prefix: string): string {
  return `mpc-${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace with `lo` up; returns its name. */
export function createNetns(prefix: string): string {
  const name = uniqueNetnsName(prefix);
  execFileSync('ip', ['netns', 'add', name]);
  created.add(name);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name]);
  created.delete(name);
}

/** A veth pair `a` <-> `b` inside one namespace, both ends up (a link with carrier to hang addresses on). */
export function addVethPair(netns: string, a: string, b: string): void {
  ip(netns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b);
  ip(netns, 'link', 'set', a, 'up');
  ip(netns, 'link', 'set', b, 'up');
}

/** Runs `ip -n NAME ARGS...` and returns stdout; throws with stderr on failure. */
export function ip(netns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', netns, ...args], { encoding: 'utf8' });
}

/** Runs a command inside the namespace (`ip netns exec`). */
export function nsExec(netns: string, command: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('ip', ['netns', 'exec', netns, command, ...args], { encoding: 'utf8' });
}

export function sysctl(netns: string, key: string, value: string | number): void {
  execFileSync('ip', ['netns', 'exec', netns, 'sysctl', '-qw', `${key}=${value}`]);
}

/** Two namespaces joined by `pairs` veth pairs: pair i is 10.(i+1).0.1/24 (a) <-> 10.(i+1).0.2/24 (b), plus 2001:db8:(i+1)::1|2/64. */
export interface NetnsPair {
  a: string;
  b: string;
  /** Interface names in a and b for each pair. */
  links: { a: string; b: string; a4: string; b4: string; a6: string; b6: string }[];
}

export function createNetnsPair(prefix: string, pairs = 2): NetnsPair {
  const a = createNetns(`${prefix}a`);
  const b = createNetns(`${prefix}b`);
  const links: NetnsPair['links'] = [];
  for (let i = 0; i < pairs; i++) {
    const la = `va${i}`;
    const lb = `vb${i}`;
    execFileSync('ip', ['-n', a, 'link', 'add', la, 'type', 'veth', 'peer', 'name', lb, 'netns', b]);
    const a4 = `10.${i + 1}.0.1`;
    const b4 = `10.${i + 1}.0.2`;
    const a6 = `2001:db8:${i + 1}::1`;
    const b6 = `2001:db8:${i + 1}::2`;
    ip(a, 'addr', 'add', `${a4}/24`, 'dev', la);
    ip(b, 'addr', 'add', `${b4}/24`, 'dev', lb);
    ip(a, 'addr', 'add', `${a6}/64`, 'dev', la, 'nodad');
    ip(b, 'addr', 'add', `${b6}/64`, 'dev', lb, 'nodad');
    ip(a, 'link', 'set', la, 'up');
    ip(b, 'link', 'set', lb, 'up');
    links.push({ a: la, b: lb, a4, b4, a6, b6 });
  }
  return { a, b, links };
}
