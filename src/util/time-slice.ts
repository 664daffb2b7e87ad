/**
 * Time slicing for loops that may run long without waiting (a large dump, a busy event socket, a
 * batch file): once a slice of `ms` is used up, `due()` says so and `nextTurn()` lets timers and
 * signal handlers run before the next slice.
 *
 * The clock is process.hrtime and the turn a plain setImmediate: `performance.now()` loads
 * perf_hooks and node:timers/promises is one more module, together ~2.5 ms of every start.
 */
export class TimeSlice {
  private start = nowMs();

  constructor(private readonly ms: number) {}

  due(): boolean {
    return nowMs() - this.start > this.ms;
  }

  /** Starts a new slice (e.g. after the loop waited anyway). */
  restart(): void {
    this.start = nowMs();
  }

  /** One turn of the event loop, then a new slice. */
  async nextTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.restart();
  }
}

function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
