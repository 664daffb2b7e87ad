// The single executable's main script: compiles the CLI bundle (SEA asset `mptcpctl.cjs`) with a
// V8 code cache made by a real run at build time (asset `mptcpctl.cjs.cache`), through
// the loader in bin/mptcpctl, as bin/mptcpctl does for npm installs. Node's own `useCodeCache` caches only
// what compiling compiles, not the functions a run needs, which were then compiled at every start.
// A SEA's main script can require only built-in modules: scripts/build-binary.mjs bundles this
// file with bin/mptcpctl inside (required, bin/mptcpctl only exports its loader).
'use strict';
const { getRawAsset } = require('node:sea');
const { compileBundle } = require('../bin/mptcpctl');

const filename = 'mptcpctl.cjs';
let cachedData;
try {
  // A view of the executable's bytes, not a copy (V8 only reads it).
  cachedData = Buffer.from(getRawAsset(`${filename}.cache`));
} catch {
  // The build's first pass has no cache yet.
}
// The bundle is ASCII (checked when it is built), so latin1 reads it with one copy and no decoding.
// It is written wrapped as a CommonJS module function (scripts/module-wrapper.mjs). A binary has
// no file of its own to write a cache beside: only the build's warm-up run writes one, where
// MPTCPCTL_CODE_CACHE_FILE says.
const source = Buffer.from(getRawAsset(filename)).toString('latin1');
const main = compileBundle({ filename, source, cachedData, bundle: 'main', cacheFile: undefined });
const bundleModule = { exports: {}, filename, id: filename };
main(bundleModule.exports, require, bundleModule, filename, '.');
