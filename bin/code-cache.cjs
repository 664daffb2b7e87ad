// The CLI's bundles compiled with their V8 code caches, for all three loaders: bin/mptcpctl (the
// main bundle of an npm install), scripts/sea-main.cjs (the single executable, which carries this
// file inlined) and scripts/lazy-loader.mjs (the lazy and config bundles). A cache holds what real runs
// compiled, so a start does not compile it again (bench/README.md).
//
// V8 rejects a cache that does not fit (made by another Node.js, with other V8 flags, for a source
// of another length): the run then compiles as usual and, where the cache is a file, writes it
// afresh at exit, so one slow start repairs it. Writes are atomic (a temporary file renamed over
// the old one): a start never reads half a cache. Where the file cannot be written (a read-only
// install), nothing is written and nothing is said.
'use strict';
const { Script } = require('node:vm');

/**
 * The module function of a bundle (written wrapped, scripts/module-wrapper.mjs), compiled with
 * `cachedData`: the cache's bytes, or undefined when there is none.
 * - `bundle`: `main`, `lazy` or `config`. The build's warm-up runs (scripts/warm-up.mjs) set
 *   MPTCPCTL_WRITE_CODE_CACHE: a run writes the cache of the bundle it names, fitting or not (to
 *   MPTCPCTL_CODE_CACHE_FILE if set), and no other; empty, it writes none. Other runs write a
 *   cache only to repair it.
 * - `cacheFile`: where the cache lives; undefined in the single executable, whose caches are assets.
 */
function compileBundle({ filename, source, cachedData, bundle, cacheFile }) {
  const script = new Script(source, { filename, cachedData });
  const unusable = cachedData === undefined || script.cachedDataRejected === true;
  const warmUp = process.env.MPTCPCTL_WRITE_CODE_CACHE;
  const named = warmUp === bundle ? (process.env.MPTCPCTL_CODE_CACHE_FILE ?? cacheFile) : undefined;
  const target = warmUp === undefined ? (unusable ? cacheFile : undefined) : named;
  if (target) {
    // A process that outlives a rebuild must not leave the old bundle's cache beside the new one
    // (V8 checks the source's length, not its text): write only if the bundle is the one compiled.
    const compiled = fileIdentity(filename);
    process.on('exit', () => {
      if (compiled === fileIdentity(filename)) writeCache(target, () => script.createCachedData());
    });
  }
  return script.runInThisContext();
}

/** `file`'s inode, size and change time as one string (undefined if it is no file, as in the single executable). */
function fileIdentity(file) {
  try {
    const { ino, size, ctimeMs } = require('node:fs').statSync(file);
    return `${ino}:${size}:${ctimeMs}`;
  } catch {
    return undefined;
  }
}

/** Writes `data()` to `file` through a temporary file beside it; a place that cannot be written is left alone. */
function writeCache(file, data) {
  const { closeSync, openSync, renameSync, rmSync, writeFileSync } = require('node:fs');
  const temporary = `${file}.${process.pid}.tmp`;
  let fd;
  try {
    // Opened before the cache is made, which costs more than a failed open.
    fd = openSync(temporary, 'wx', 0o644);
  } catch {
    return;
  }
  try {
    writeFileSync(fd, data());
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, file);
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
  }
}

module.exports = { compileBundle };
