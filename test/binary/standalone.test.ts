/**
 * The single-file binary (dist/mptcpctl, from `npm run build:binary`) on its own: copied alone to
 * an empty directory, run with a bare environment and no Node.js reachable, in a throw-away
 * namespace; and its private cache for koffi's native module (order, privacy, concurrent starts,
 * noexec). Runs only with MPTCPCTL_BIN set (scripts/test-binary.mjs); skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createNetns, deleteNetns, ip } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';

const binary = process.env['MPTCPCTL_BIN'];
const BARE_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

let work = '';
let alone = '';
let ns = '';

before(() => {
  if (!binary) return;
  work = mkdtempSync(join(tmpdir(), 'mptcpctl-binary-'));
  alone = join(work, 'bin', 'mptcpctl');
  mkdirSync(dirname(alone));
  copyFileSync(resolve(binary), alone);
  chmodSync(alone, 0o755);
  // A regular file: a HOME below it cannot be made, not even by root.
  writeFileSync(join(work, 'file'), '');
  ns = createNetns('bin');
});

after(() => {
  if (ns) deleteNetns(ns);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs `script` with sh under `env -i` (only the given variables), optionally in a private mount namespace. */
function bare(script: string, env: Record<string, string>, privateMounts = false): SpawnSyncReturns<string> {
  const vars = Object.entries({ PATH: BARE_PATH, ...env }).map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-i', ...vars, 'sh', '-c', script];
  const [program, ...args] = privateMounts ? ['unshare', '--mount', '--propagation', 'private', ...command] : command;
  return spawnSync(program!, args, { encoding: 'utf8', timeout: 60_000 });
}

/** Every file the name `node` resolves to on the bare PATH (hidden from the binary's view below). */
function nodeFiles(): string[] {
  const r = spawnSync('sh', ['-c', 'for d in $(echo "$P" | tr : " "); do [ -e "$d/node" ] && readlink -f "$d/node"; done; true'], { encoding: 'utf8', env: { P: BARE_PATH } });
  return [...new Set(r.stdout.split('\n').filter(Boolean))];
}

describe('the single-file binary', { skip: binary ? false : 'MPTCPCTL_BIN is not set (npm run build:binary && npm run test:binary)' }, () => {
  test('runs alone: no node_modules around it, no Node.js on PATH, a bare environment', () => {
    for (let dir = dirname(alone); dir !== '/'; dir = dirname(dir)) assert.ok(!existsSync(join(dir, 'node_modules')), `${dir}/node_modules exists`);
    const home = join(work, 'home-alone');
    mkdirSync(home);
    // Node.js is made unrunnable for this process tree (a bind mount of /dev/null over it).
    const hide = nodeFiles().map((f) => `mount --bind /dev/null '${f}' &&`).join(' ');
    const r = bare(
      `${hide} ! node -e 0 2>/dev/null &&
       '${alone}' -n '${ns}' endpoint add 10.7.0.1 id 4 signal &&
       '${alone}' -n '${ns}' limits set subflows 3 &&
       '${alone}' -n '${ns}' -j endpoint show &&
       '${alone}' -n '${ns}' limits show &&
       '${alone}' --version`,
      { HOME: home },
      true,
    );
    assert.equal(r.status, 0, r.stderr);
    const version = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(r.stdout, `${ip(ns, '-j', 'mptcp', 'endpoint', 'show')}${ip(ns, 'mptcp', 'limits', 'show')}${version}\n`);
    assert.equal(r.stderr, '');
  });

  test('writes koffi.node once to a private cache: XDG_RUNTIME_DIR first, else ~/.cache, else tmp', () => {
    const runtime = join(work, 'runtime');
    const home = join(work, 'home-cache');
    const tmp = join(work, 'tmp');
    for (const d of [runtime, home, tmp]) mkdirSync(d, { mode: 0o700 });
    const cached = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /^koffi-[0-9a-f]{16}\.node$/.test(f)) : []);

    assert.equal(bare(`'${alone}' limits show`, { XDG_RUNTIME_DIR: runtime, HOME: home, TMPDIR: tmp }).status, 0);
    assert.equal(cached(join(runtime, 'mptcpctl')).length, 1);
    assert.equal(statSync(join(runtime, 'mptcpctl')).mode & 0o777, 0o700);
    assert.equal(cached(join(home, '.cache', 'mptcpctl')).length, 0);

    // A cache directory others can write to is not used (its code would run as us).
    chmodSync(join(runtime, 'mptcpctl'), 0o777);
    assert.equal(bare(`'${alone}' limits show`, { XDG_RUNTIME_DIR: runtime, HOME: home, TMPDIR: tmp }).status, 0);
    assert.equal(cached(join(home, '.cache', 'mptcpctl')).length, 1);

    // A home that cannot exist (under a regular file): on to tmp, with the uid in the name.
    const uid = process.getuid!();
    assert.equal(bare(`'${alone}' limits show`, { HOME: join(work, 'file', 'home'), TMPDIR: tmp }).status, 0);
    assert.equal(cached(join(tmp, `mptcpctl-${uid}`)).length, 1);
  });

  test('concurrent first starts share the cache file safely (written under a temporary name, renamed)', async () => {
    const runtime = join(work, 'runtime-race');
    mkdirSync(runtime, { mode: 0o700 });
    const runs = Array.from({ length: 6 }, () =>
      new Promise<number | null>((done) => {
        const child = spawn(alone, ['-j', 'limits', 'show'], { env: { PATH: BARE_PATH, XDG_RUNTIME_DIR: runtime, HOME: join(work, 'file', 'home') }, stdio: 'ignore' });
        child.once('exit', (code) => done(code));
      }),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0, 0, 0]);
    const left = readdirSync(join(runtime, 'mptcpctl'));
    assert.equal(left.length, 1, `only the cache file remains: ${left.join(' ')}`);
  });

  test('every candidate on a noexec mount: a clear error naming them, exit 1', () => {
    const mnt = join(work, 'noexec');
    mkdirSync(mnt);
    const r = bare(
      `mount -t tmpfs -o noexec,mode=700 none '${mnt}' && mkdir '${mnt}/home' '${mnt}/tmp' && '${alone}' limits show`,
      { XDG_RUNTIME_DIR: `${mnt}/run`, HOME: `${mnt}/home`, TMPDIR: `${mnt}/tmp` },
      true,
    );
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^mptcpctl: cannot load koffi's native module: every candidate directory is on a file system mounted noexec \(/);
    for (const dir of [`${mnt}/run/mptcpctl`, `${mnt}/home/.cache/mptcpctl`, `${mnt}/tmp/mptcpctl-`]) assert.ok(r.stderr.includes(dir), dir);
    assert.match(r.stderr, /set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a private directory on a file system that allows execution\n$/);
  });

  test('only XDG_RUNTIME_DIR on a noexec mount: falls back to ~/.cache and works', () => {
    const mnt = join(work, 'noexec-runtime');
    const home = join(work, 'home-fallback');
    mkdirSync(mnt);
    mkdirSync(home);
    const r = bare(`mount -t tmpfs -o noexec,mode=700 none '${mnt}' && '${alone}' -n '${ns}' limits show`, { XDG_RUNTIME_DIR: mnt, HOME: home }, true);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, ip(ns, 'mptcp', 'limits', 'show'));
  });
});
