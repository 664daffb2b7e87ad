// Part of dist/mptcpctl.cjs (scripts/split-bundle.mjs fills in the shared modules): loads
// dist/mptcpctl-lazy.cjs the first time a command needs one of its modules, with its own V8 code
// cache, as bin/mptcpctl loads the main bundle. `require` and `__dirname` are the main bundle's
// (the directory of both files).
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
  const { readFileSync, renameSync, writeFileSync } = require('node:fs');
  const { Script } = require('node:vm');
  const file = `${__dirname}/mptcpctl-lazy.cjs`;
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (yet): compile as usual.
  }
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (process.env.MPTCPCTL_WRITE_CODE_CACHE === 'lazy') {
    // The build's warm-up run for this bundle (scripts/bundle.mjs), as in bin/mptcpctl.
    process.on('exit', () => {
      const temporary = `${cacheFile}.${process.pid}`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    });
  }
  const prefix = 'mptcpctl-core:';
  const lazyRequire = (id) => (id.startsWith(prefix) ? shared[id.slice(prefix.length)]() : require(id));
  const lazyBundle = { exports: {} };
  script.runInThisContext()(lazyBundle.exports, lazyRequire, lazyBundle, file, __dirname);
  return lazyBundle.exports.modules;
}
