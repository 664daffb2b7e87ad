// Bundles the CLI into one CommonJS file: one file to read at start-up, and the form
// Node's single-executable support needs. koffi stays external: it is a native module.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleRequire, lazyChildProcess } from './lazy-builtins.mjs';
import { moduleWrapper } from './module-wrapper.mjs';
import { warmUp } from './warm-up.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/mptcpctl.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['koffi'],
  plugins: [lazyChildProcess(), bundleRequire()],
  sourcemap: false,
  legalComments: 'none',
  // Half the bytes to read at every start (~1 ms here); errors name themselves (`name` fields).
  minify: true,
  logLevel: 'warning',
  define: { MPTCPCTL_VERSION: JSON.stringify(version) },
  ...moduleWrapper,
});

// V8 code cache for bin/mptcpctl, made by one real run of the freshly built bundle
// (scripts/warm-up.mjs), so that every later start skips compiling what a run needs. Always made
// afresh: a cache from an older bundle must never be used with a newer one.
rmSync('dist/mptcpctl.cjs.cache', { force: true });
warmUp([process.execPath, 'bin/mptcpctl'], { MPTCPCTL_WRITE_CODE_CACHE: '1' });
