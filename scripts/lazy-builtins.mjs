import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// An esbuild plugin for start-up time: commander loads node:child_process when it is required
// (for executable subcommands, which mptcpctl does not use), and with it node:net, at every
// start. The bundle gives commander a stand-in that loads the real module on first use.
export function lazyChildProcess() {
  return {
    name: 'lazy-child-process',
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
        loader: 'js',
        contents: "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
      }));
    },
  };
}

// The bundle is CommonJS and has a `require` of its own: src/util/require-here.ts, which makes one
// with node:module's createRequire for the ESM build, becomes that `require` (loading node:module
// is a cost to every start).
export function bundleRequire() {
  return {
    name: 'bundle-require',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]util[\\/]require-here\.ts$/ }, () => ({
        loader: 'js',
        contents: 'export const requireHere = require;',
      }));
    },
  };
}

// yaml's ES module build (what its package gives browsers: the same code as its CommonJS build for
// Node.js) for the bundles: esbuild joins ES modules into one scope, while each of the CommonJS
// build's ~80 files became a function of its own with an exports object, all run when a config
// command first imports yaml (~1 ms of `config apply`, bench/README.md).
export function yamlAsModules() {
  const entry = join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js');
  return {
    name: 'yaml-es-modules',
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: entry }));
    },
  };
}
