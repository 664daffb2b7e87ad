/**
 * CommonJS `require` for this package's ESM code (koffi's native module, built-in modules loaded
 * on first use). The CLI bundle (scripts/bundle.mjs) puts its own `require` in this file's place,
 * so node:module, a cost to every start, is not loaded there (bench/README.md).
 */
import { createRequire } from 'node:module';

export const requireHere: NodeJS.Require = createRequire(import.meta.url);
