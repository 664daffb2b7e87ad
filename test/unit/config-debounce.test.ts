/** follow's debounce: quiet time after the last change, but a bounded wait under a storm. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { debounce } from '../../src/config/follow.js';

/** A debounce (30 ms quiet, 250 ms at most) under mock timers, scheduled `count` times 10 ms apart. */
function burst(t: TestContext, count: number): { calls: () => number; debounced: ReturnType<typeof debounce> } {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let calls = 0;
  const debounced = debounce(() => calls++, 30, 250);
  for (let i = 0; i < count; i++) {
    debounced.schedule();
    t.mock.timers.tick(10);
  }
  return { calls: () => calls, debounced };
}

test('one call after a burst, once quiet', (t) => {
  const { calls } = burst(t, 5);
  assert.equal(calls(), 0);
  t.mock.timers.tick(30);
  assert.equal(calls(), 1);
});

test('a storm without pause still runs within the longest wait', (t) => {
  const { calls, debounced } = burst(t, 100);
  // 1000 ms of events 10 ms apart: without the bound, nothing would have run.
  assert.ok(calls() >= 3, `ran ${calls()} times`);
  debounced.cancel();
});
