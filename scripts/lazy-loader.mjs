// Part of the main bundle (scripts/split-bundle.mjs fills in the shared modules): loads the lazy
// bundle the first time a command needs one of its modules, with its own V8 code cache, as
// bin/mptcpctl (or the single executable's scripts/sea-main.cjs) loads the main one. `require` and
// `__dirname` are the main bundle's (for npm installs, the directory of both files).
/* SHARED IMPORTS */

/**
 * The main bundle's modules the lazy one imports, by path, each as an object of getters for the
 * bindings it exports (live, as ES module bindings are). Getters rather than esbuild's namespace
 * objects, which would be built for every such module at every start.
 */
const shared = {
  /* SHARED MODULES */
};

let lazyModules;

/** The module at `path` (as LAZY_ENTRIES names it), from the lazy bundle. */
export default function lazyModule(path) {
  lazyModules ??= load();
  return lazyModules[path]();
}

function load() {
  const { Script } = require('node:vm');
  const { filename, source, cachedData } = readLazyBundle();
  const script = new Script(source, { filename, cachedData });
  if (process.env.MPTCPCTL_WRITE_CODE_CACHE === 'lazy') {
    // The build's warm-up run for this bundle (scripts/warm-up.mjs): save what V8 compiled, atomically.
    const cacheFile = process.env.MPTCPCTL_CODE_CACHE_FILE ?? `${__dirname}/mptcpctl-lazy.cjs.cache`;
    process.on('exit', () => {
      const { renameSync, writeFileSync } = require('node:fs');
      const temporary = `${cacheFile}.${process.pid}`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    });
  }
  // The prefix split-bundle.mjs gives the lazy bundle's imports of main-bundle modules (CORE_PREFIX).
  const prefix = 'mptcpctl-core:';
  const lazyRequire = (id) => (id.startsWith(prefix) ? shared[id.slice(prefix.length)]() : require(id));
  const lazyBundle = { exports: {} };
  script.runInThisContext()(lazyBundle.exports, lazyRequire, lazyBundle, filename, __dirname);
  return lazyBundle.exports.modules;
}

/** The lazy bundle and its code cache (if any): files beside the main bundle, or the single executable's assets. */
function readLazyBundle() {
  const name = 'mptcpctl-lazy.cjs';
  if (typeof MPTCPCTL_SEA !== 'undefined' && MPTCPCTL_SEA) {
    const { getRawAsset } = require('node:sea');
    // Views of the executable's bytes, as in scripts/sea-main.cjs; the bundle is ASCII.
    return { filename: name, source: Buffer.from(getRawAsset(name)).toString('latin1'), cachedData: optional(() => Buffer.from(getRawAsset(`${name}.cache`))) };
  }
  const { readFileSync } = require('node:fs');
  const filename = `${__dirname}/${name}`;
  return { filename, source: readFileSync(filename, 'utf8'), cachedData: optional(() => readFileSync(`${filename}.cache`)) };
}

/** `read()`, or undefined when there is nothing to read (no cache yet): compiled as usual then. */
function optional(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}
