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
