/**
 * CommonJS `require` for this package's ESM code (koffi's native module, built-in modules loaded
 * on first use). The CLI bundle (scripts/bundle.mjs) puts its own `require` in this file's place,
 * so node:module, ~0.8 ms of every start, is not loaded there.
 */
import { createRequire } from 'node:module';

export const requireHere: NodeJS.Require = createRequire(import.meta.url);
