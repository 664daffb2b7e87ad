// The CLI bundles for the single executable. A SEA's main script is CommonJS and can require only
// Node's built-in modules, so unlike dist/mptcpctl.cjs everything is bundled, koffi's JS too.
// koffi finds its native module with `require('@koromix/koffi-<platform>')`: the plugin below
// answers that with src/sys/koffi-loader.ts, which has loaded it from the SEA asset.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRequire, lazyChildProcess, yamlAsModules } from './lazy-builtins.mjs';
import { moduleWrapper } from './module-wrapper.mjs';
import { build } from 'esbuild';
import { buildSplit } from './split-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const loader = resolve(root, 'src/sys/koffi-loader.ts');

/** @param {string} platform e.g. linux-x64: the one koffi native package this binary carries. */
function koffiNativePlugin(platform) {
  return {
    name: 'koffi-native-from-sea',
    setup(b) {
      b.onResolve({ filter: /^@koromix\/koffi-/ }, (args) => ({ path: args.path, namespace: 'koffi-native' }));
      b.onLoad({ filter: /.*/, namespace: 'koffi-native' }, (args) => ({
        resolveDir: root,
        loader: 'js',
        // Other platforms' packages are not in this binary; koffi tries each in a try/catch.
        contents:
          args.path === `@koromix/koffi-${platform}`
            ? `module.exports = require(${JSON.stringify(loader)}).seaNativeModule();`
            : `throw new Error(${JSON.stringify(`${args.path} is not in this binary`)});`,
      }));
    },
  };
}

/**
 * Writes the SEA's CLI bundle, split as the npm one is (scripts/split-bundle.mjs): `outfile`, what
 * the common commands run, and the bundles beside it, each loaded from its asset when a command
 * needs it; returns those by name (as buildSplit does).
 * `koffiHash` names the native module's cache file: it is computed here, at build time, because
 * loading node:crypto to hash the asset at every start would be a large share of the binary's start.
 */
export async function bundleForSea(outfile, platform, koffiHash) {
  const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  const bundles = await buildSplit({
    root,
    entry: 'src/cli/main.ts',
    coreFile: outfile,
    options: {
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      minify: true,
      // Maps as assets, read only to print an internal error's stack (src/cli/stack.ts).
      sourcemap: 'external',
      sourcesContent: false,
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [koffiNativePlugin(platform), lazyChildProcess(), bundleRequire(), yamlAsModules()],
      define: { MPTCPCTL_VERSION: JSON.stringify(version), MPTCPCTL_SEA: 'true', MPTCPCTL_KOFFI_HASH: JSON.stringify(koffiHash) },
      // ASCII only (esbuild escapes the rest): both are read from their assets as latin1.
      charset: 'ascii',
      ...moduleWrapper,
    },
  });
  for (const file of [outfile, ...Object.values(bundles)]) {
    if (/[^\x00-\x7f]/.test(readFileSync(file, 'latin1'))) throw new Error(`${file} is not ASCII: it is read from its asset as latin1`);
  }
  return bundles;
}

/** The single executable's main script, scripts/sea-main.cjs, as one file with bin/mptcpctl's loader inside. */
export async function bundleSeaMain(outfile) {
  await build({ absWorkingDir: root, entryPoints: ['scripts/sea-main.cjs'], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'warning' });
}
