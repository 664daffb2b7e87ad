/**
 * Settings shared by the fuzz tests (test/fuzz): how many cases, and a seed to replay a failure.
 *   FUZZ_SCALE=10 npm test      ten times the cases of a CI run
 *   FUZZ_SEED=1234 npm test     the seed fast-check printed for a failure
 */
import { after, before } from 'node:test';
import fc from 'fast-check';

const scale = Number(process.env['FUZZ_SCALE'] ?? '1');
const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

/** fast-check parameters for `runs` cases (times FUZZ_SCALE), seeded from FUZZ_SEED if set. */
export function fuzzParameters<T>(runs: number): fc.Parameters<T> {
  const numRuns = Math.max(1, Math.round(runs * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  return seed === undefined ? { numRuns } : { numRuns, seed };
}

/** Counts cases per category, for the summary a test prints as a diagnostic. */
export class CaseCounter {
  private readonly counts = new Map<string, number>();

  add(category: string, n = 1): void {
    this.counts.set(category, (this.counts.get(category) ?? 0) + n);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  get(category: string): number {
    return this.counts.get(category) ?? 0;
  }

  summary(): string {
    return [...this.counts].map(([k, n]) => `${k}: ${n}`).join(', ') + ` (total ${this.total})`;
  }
}

/**
 * For the enclosing suite: no stack traces are captured. Most fuzz cases end in a typed error on
 * purpose, and capturing a stack for each is what would take the time (a failure is reported
 * with its input, not a stack).
 */
export function withoutStackTraces(): void {
  const limit = Error.stackTraceLimit;
  before(() => {
    Error.stackTraceLimit = 0;
  });
  after(() => {
    Error.stackTraceLimit = limit;
  });
}
