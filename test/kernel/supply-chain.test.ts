/**
 * Supply chain: koffi's native code is the prebuilt binary from the registry package
 * (@koromix/koffi-<platform>-<arch>), loaded from node_modules: no build from source happened and
 * nothing is fetched at run time. Checked in the memory map of this process and of the CLI, and
 * in package-lock.json (every package pinned by version and integrity hash).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NETLINK_GENERIC, NetlinkTransport } from '../../src/netlink/transport.js';
import { MptcpPm } from '../../src/pm/client.js';
import { EVENTS_GROUP } from '../../src/families/mptcp-pm.js';
import { createNetns, deleteNetns } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { hasGroupMember, spawnCli } from '../helpers/spawned.js';

const prebuiltPackage = `@koromix/koffi-${process.platform}-${process.arch}`;
const prebuiltDir = join(repoRoot, 'node_modules', prebuiltPackage);

/** The koffi native modules mapped into process `pid` (from /proc/PID/maps). */
function koffiMappings(pid: number | 'self'): string[] {
  const paths = readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' '))
    .filter((path) => /koffi/.test(path) && path.endsWith('.node'));
  return [...new Set(paths)];
}

let ns: string;
before(() => {
  ns = createNetns('sup');
});
after(() => deleteNetns(ns));

it(`this process runs koffi's prebuilt native module from node_modules/${prebuiltPackage}`, async () => {
  const transport = NetlinkTransport.open(NETLINK_GENERIC, { netns: ns });
  await transport.close();
  const mapped = koffiMappings('self');
  assert.ok(mapped.length > 0, 'koffi is loaded');
  for (const path of mapped) assert.ok(path.startsWith(`${prebuiltDir}/`), `${path} is not from ${prebuiltDir}`);
});

it('so does the CLI (dist/mptcpctl.cjs)', async (t) => {
  if (process.env['MPTCPCTL_BIN']) {
    t.skip('the single-file binary carries its own copy (test/binary checks it)');
    return;
  }
  const pm = await MptcpPm.open({ netns: ns });
  const group = pm.family.groups.get(EVENTS_GROUP)!;
  await pm.close();
  const monitor = spawnCli(['-n', ns, 'monitor']);
  try {
    await monitor.until('the events subscription', () => hasGroupMember(ns, group));
    const mapped = koffiMappings(monitor.pid);
    assert.ok(mapped.length > 0, 'koffi is loaded');
    for (const path of mapped) assert.ok(path.startsWith(`${prebuiltDir}/`), `${path} is not from ${prebuiltDir}`);
  } finally {
    process.kill(monitor.pid, 'SIGTERM');
    assert.deepEqual(await monitor.exit(), { code: 0, signal: null });
  }
});

it('koffi was not built from source at install time (no build/ beside it)', () => {
  assert.equal(existsSync(join(repoRoot, 'node_modules', 'koffi', 'build')), false);
  const koffi = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'koffi', 'package.json'), 'utf8')) as { version: string };
  const prebuilt = JSON.parse(readFileSync(join(prebuiltDir, 'package.json'), 'utf8')) as { version: string };
  assert.equal(prebuilt.version, koffi.version, 'the prebuilt matches koffi');
});

// `resolved` may be left out (npm's omit-lockfile-registry-resolved: the configured registry is used);
// when it is there, every package must come over https from one and the same registry (no git,
// file or tarball URLs of their own).
it('package-lock.json pins every package: exact version and integrity hash, from the registry', () => {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    lockfileVersion: number;
    packages: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }>;
  };
  assert.ok(lock.lockfileVersion >= 2);
  const unpinned: string[] = [];
  const origins = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link) continue;
    const url = entry.resolved === undefined ? undefined : new URL(entry.resolved);
    if (url) origins.add(url.origin);
    const fromRegistry = url === undefined || (url.protocol === 'https:' && url.pathname.endsWith('.tgz'));
    const pinned = entry.version && fromRegistry && /^sha512-/.test(entry.integrity ?? '');
    if (!pinned) unpinned.push(path);
  }
  assert.deepEqual(unpinned, []);
  assert.ok(origins.size <= 1, `packages from more than one place: ${[...origins].join(', ')}`);
  for (const name of ['koffi', prebuiltPackage]) {
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(entry, `${name} is in the lockfile`);
    const installed = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, entry.version, `installed ${name} is the locked version`);
  }
});
