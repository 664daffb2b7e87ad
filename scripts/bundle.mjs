// Bundles the CLI into CommonJS files (scripts/split-bundle.mjs): the main one, all that the
// common commands run, and the rest (dist/mptcpctl-lazy.cjs, dist/mptcpctl-config.cjs), each
// loaded when a command needs it. koffi stays external: it is
// a native module. (The single executable's bundles, koffi's JS inside: scripts/sea-bundle.mjs.)
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleRequire, lazyChildProcess, yamlAsModules } from './lazy-builtins.mjs';
import { moduleWrapper } from './module-wrapper.mjs';
import { buildSplit } from './split-bundle.mjs';
import { warmUp } from './warm-up.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const bundles = await buildSplit({
  root: fileURLToPath(new URL('..', import.meta.url)),
  entry: 'src/cli/main.ts',
  coreFile: 'dist/mptcpctl.cjs',
  options: {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    plugins: [lazyChildProcess(), bundleRequire(), yamlAsModules()],
    // Maps beside the bundles, read only to print an internal error's stack (src/cli/stack.ts).
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    // Half the bytes to read at every start; errors name themselves (`name` fields).
    minify: true,
    logLevel: 'warning',
    define: { MPTCPCTL_VERSION: JSON.stringify(version) },
    ...moduleWrapper,
  },
});

// V8 code caches for all bundles, made by real runs of the freshly built files
// (scripts/warm-up.mjs), so that later starts skip compiling what a run needs: `endpoint show` for
// the main bundle (bin/mptcpctl), a line commander reads with table and colour output for the lazy
// one, the desired-state commands for the config one (scripts/lazy-loader.mjs). Always made
// afresh: a cache from an older bundle must never be used with a newer one.
for (const file of ['dist/mptcpctl.cjs', ...Object.values(bundles)]) rmSync(`${file}.cache`, { force: true });
warmUp([process.execPath, 'bin/mptcpctl']);
