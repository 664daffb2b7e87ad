/**
 * The single binary's cache for koffi's native module (src/sys/koffi-loader.ts): where it
 * goes, and how it is written. Loading from the asset itself is checked on the binary
 * (test/binary/standalone.test.ts).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDirectories, writeCached } from '../../src/sys/koffi-loader.js';

const work = mkdtempSync(join(tmpdir(), 'mptcpctl-loader-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('koffi-loader cache', () => {
  test('candidates: $XDG_RUNTIME_DIR, then $XDG_CACHE_HOME or ~/.cache, then tmp with the uid', () => {
    const uid = process.getuid!();
    assert.deepEqual([...cacheDirectories({ XDG_RUNTIME_DIR: '/run/user/7', XDG_CACHE_HOME: '/c' })], ['/run/user/7/mptcpctl', '/c/mptcpctl', join(tmpdir(), `mptcpctl-${uid}`)]);
    const dirs = [...cacheDirectories({})];
    assert.equal(dirs.length, 2);
    assert.match(dirs[0]!, /\/\.cache\/mptcpctl$/);
    // Relative paths are not trusted (they would depend on the working directory).
    assert.deepEqual([...cacheDirectories({ XDG_RUNTIME_DIR: 'run', XDG_CACHE_HOME: 'cache' })].slice(1), dirs.slice(1));
    // $HOME as os.homedir() would read it, without loading node:os.
    assert.deepEqual([...cacheDirectories({ HOME: '/home/u' })][0], '/home/u/.cache/mptcpctl');
  });

  test('writes once into a private directory, then reuses the file; no temporary file is left', () => {
    const dir = join(work, 'a', 'mptcpctl');
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const file = writeCached(dir, 'koffi-0123.node', bytes);
    assert.equal(file, join(dir, 'koffi-0123.node'));
    assert.deepEqual([...readFileSync(file)], [1, 2, 3, 4]);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const mtime = statSync(file).mtimeMs;
    assert.equal(writeCached(dir, 'koffi-0123.node', bytes), file);
    assert.equal(statSync(file).mtimeMs, mtime);
    assert.deepEqual(readdirSync(dir), ['koffi-0123.node']);
  });

  test('refuses a directory that others can write to', () => {
    const dir = join(work, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    assert.throws(() => writeCached(dir, 'koffi-0123.node', new Uint8Array([1])), /writable by others \(mode 777\)/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
