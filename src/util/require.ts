import { requireHere } from './require-here.js';

export { requireHere };

/** A built-in module loaded on the first call, for what only some commands need. */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
