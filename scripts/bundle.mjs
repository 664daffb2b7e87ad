// Bundles the CLI into one CommonJS file: one file to read at start-up, and the form
// Node's single-executable support needs. koffi stays external: it is a native module.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleRequire, lazyChildProcess } from './lazy-builtins.mjs';

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
});

// V8 code cache for bin/mptcpctl: made by one real run of the freshly built bundle, so that every
// later start skips compiling what a run needs. Always made afresh here: a cache from an older
// bundle must never be used with a newer one. The run is an `endpoint show` of a few endpoints in
// a private network namespace (unshare -Urn, where user namespaces are allowed), so the cache also
// holds what decoding and printing endpoints takes (~2 ms of every start, bench/startup.mjs);
// else a read-only `endpoint show` of this namespace.
const cacheFile = 'dist/mptcpctl.cjs.cache';
rmSync(cacheFile, { force: true });
const warmUp = `printf '%s\\n' 'endpoint add 10.0.0.1 id 1 subflow' 'endpoint add 10.0.0.2 id 2 signal backup' | "$0" bin/mptcpctl -b - &&
  MPTCPCTL_WRITE_CODE_CACHE=1 "$0" bin/mptcpctl endpoint show`;
spawnSync('unshare', ['-Urn', 'sh', '-c', warmUp, process.execPath], { stdio: 'ignore' });
if (!existsSync(cacheFile)) {
  spawnSync(process.execPath, ['bin/mptcpctl', 'endpoint', 'show'], {
    env: { ...process.env, MPTCPCTL_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
}
