/** follow's debounce: quiet time after the last change, but a bounded wait under a storm. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debounce } from '../../src/config/follow.js';

test('one call after a burst, once quiet', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let calls = 0;
  const d = debounce(() => calls++, 30, 250);
  for (let i = 0; i < 5; i++) {
    d.schedule();
    t.mock.timers.tick(10);
  }
  assert.equal(calls, 0);
  t.mock.timers.tick(30);
  assert.equal(calls, 1);
});

test('a storm without pause still runs within the longest wait', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let calls = 0;
  const d = debounce(() => calls++, 30, 250);
  for (let i = 0; i < 100; i++) {
    d.schedule();
    t.mock.timers.tick(10);
  }
  // 1000 ms of events 10 ms apart: without the bound, nothing would have run.
  assert.ok(calls >= 3, `ran ${calls} times`);
  d.cancel();
});
