// The single executable's main script: compiles the CLI bundle (SEA asset `mptcpctl.cjs`) with a
// V8 code cache made by a real run at build time (asset `mptcpctl.cjs.cache`), as bin/mptcpctl
// does for npm installs. Node's own `useCodeCache` caches only what compiling compiles, not the
// functions a run needs, which were then compiled at every start (scripts/build-binary.mjs).
'use strict';
const { getRawAsset } = require('node:sea');
const { Script } = require('node:vm');

const filename = 'mptcpctl.cjs';
let cachedData;
try {
  // A view of the executable's bytes, not a copy (V8 only reads it).
  cachedData = Buffer.from(getRawAsset(`${filename}.cache`));
} catch {
  // The build's first pass has no cache yet.
}
// The bundle is ASCII (checked when it is built), so latin1 reads it with one copy and no decoding.
// It is written wrapped as a CommonJS module function (scripts/module-wrapper.mjs).
const source = Buffer.from(getRawAsset(filename)).toString('latin1');
const script = new Script(source, { filename, cachedData });
// The build's warm-up run (scripts/warm-up.mjs), in a first binary without caches: save what V8
// compiled during this run. A binary has no file of its own to write beside: the build names one.
const cacheFile = process.env.MPTCPCTL_WRITE_CODE_CACHE === 'main' ? process.env.MPTCPCTL_CODE_CACHE_FILE : undefined;
if (cacheFile) process.on('exit', () => require('node:fs').writeFileSync(cacheFile, script.createCachedData()));
const bundleModule = { exports: {}, filename, id: filename };
script.runInThisContext()(bundleModule.exports, require, bundleModule, filename, '.');
