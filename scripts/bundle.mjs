// Bundles the CLI into one CommonJS file: one file to read at start-up, and the form
// Node's single-executable support needs. koffi stays external: it is a native module.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/mptcpctl.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['koffi'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The sources are ESM and use import.meta.url for createRequire; give the CJS bundle one.
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl', MPTCPCTL_VERSION: JSON.stringify(version) },
});
