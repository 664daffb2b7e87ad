/**
 * Time slicing for loops that may run long without waiting (a large dump, a busy event socket, a
 * batch file): once a slice of `ms` is used up, `due()` says so and `nextTurn()` lets timers and
 * signal handlers run before the next slice.
 *
 * The clock is Date.now, to the millisecond, which is fine for slices of tens of milliseconds
 * (`performance.now()` loads perf_hooks at every start, and process.hrtime is JavaScript Node
 * compiles on first use); the turn is a plain setImmediate (node:timers/promises would be one
 * more module to load).
 */
export class TimeSlice {
  private start = Date.now();

  constructor(private readonly ms: number) {}

  due(): boolean {
    const elapsed = Date.now() - this.start;
    // A wall clock set back (NTP, by hand) must not hold the turn off: that counts as due too.
    return elapsed > this.ms || elapsed < 0;
  }

  /** Starts a new slice (e.g. after the loop waited anyway). */
  restart(): void {
    this.start = Date.now();
  }

  /** One turn of the event loop, then a new slice. */
  async nextTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.restart();
  }
}
