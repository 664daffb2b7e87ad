/** Paths of the repository, from the compiled test files (build/test/...). */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
/** The bundled CLI that bin/mptcpctl runs. */
export const cliBundle = resolve(repoRoot, 'dist/mptcpctl.cjs');
/** Recorded outputs of ip 7.1 (test/fixtures/README.md says how they were made). */
export const fixturesDir = resolve(repoRoot, 'test/fixtures');
