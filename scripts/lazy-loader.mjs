// Part of the main bundle (scripts/split-bundle.mjs fills in the shared modules): loads a bundle
// (`lazy` or `config`) the first time a command needs one of its modules, with its own V8 code
// cache (the loader in bin/mptcpctl), as bin/mptcpctl (or the single executable's scripts/sea-main.cjs)
// loads the main one. `require` and `__dirname` are the main bundle's (for npm installs, the
// directory of all the files).
/* SHARED IMPORTS */

/**
 * The main bundle's modules the lazy one imports, by path, each as an object of getters for the
 * bindings it exports (live, as ES module bindings are). Getters rather than esbuild's namespace
 * objects, which would be built for every such module at every start.
 */
const shared = {
  /* SHARED MODULES */
};

/** Each bundle's entries once it is loaded, by bundle name. */
const loaded = {};

/** The module split-bundle.mjs's entryKey() names `key` (`BUNDLE:PATH`), from that bundle. */
export default function lazyModule(key) {
  const bundle = key.slice(0, key.indexOf(':'));
  loaded[bundle] ??= load(bundle);
  return loaded[bundle][key]();
}

function load(bundle) {
  // Resolved from the repository's root (split-bundle.mjs reads this file as its template there);
  // a require() inside the function, so the main bundle runs it only when a lazy module is needed.
  const { compileBundle } = require('./bin/mptcpctl');
  const { filename, source, cachedData, cacheFile } = readBundle(`mptcpctl-${bundle}.cjs`);
  const lazy = compileBundle({ filename, source, cachedData, bundle, cacheFile });
  // The prefix split-bundle.mjs gives the lazy bundle's imports of main-bundle modules (CORE_PREFIX).
  const prefix = 'mptcpctl-core:';
  const lazyRequire = (id) => (id.startsWith(prefix) ? shared[id.slice(prefix.length)]() : require(id));
  const lazyBundle = { exports: {} };
  lazy(lazyBundle.exports, lazyRequire, lazyBundle, filename, __dirname);
  return lazyBundle.exports.modules;
}

/** The bundle `name` and its code cache (if any): files beside the main bundle, or the single executable's assets (no cache file then). */
function readBundle(name) {
  if (typeof MPTCPCTL_SEA !== 'undefined' && MPTCPCTL_SEA) {
    const { getRawAsset } = require('node:sea');
    // Views of the executable's bytes, as in scripts/sea-main.cjs; the bundle is ASCII.
    return { filename: name, source: Buffer.from(getRawAsset(name)).toString('latin1'), cachedData: optional(() => Buffer.from(getRawAsset(`${name}.cache`))) };
  }
  const { readFileSync } = require('node:fs');
  const filename = `${__dirname}/${name}`;
  const cacheFile = `${filename}.cache`;
  return { filename, source: readFileSync(filename, 'utf8'), cachedData: optional(() => readFileSync(cacheFile)), cacheFile };
}

/** `read()`, or undefined when there is nothing to read (no cache yet): compiled as usual then. */
function optional(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}
