import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.js';
import { EventLoopPressure } from './event-loop-pressure.js';

/** Keeps the event loop busy for `ms`, as CPU-heavy jobs do. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('job concurrency under event-loop pressure', () => {
  let pressure: EventLoopPressure | undefined;
  afterEach(() => {
    pressure?.stop();
  });

  it('allows the configured concurrency while the loop is calm', async () => {
    pressure = new EventLoopPressure(250);
    await sleep(350);
    expect(pressure.lagging).toBe(false);
    expect(pressure.allowed(8)).toBe(8);
  });

  it('lowers it to one while the loop lags, and raises it again step by step once calm', async () => {
    pressure = new EventLoopPressure(20);
    for (let i = 0; i < 8; i++) {
      block(80); // each window sees the loop stuck far past the limit
      await sleep(30);
    }
    expect(pressure.lagging).toBe(true);
    expect(pressure.allowed(8)).toBe(1);
    const calm = pressure;
    await waitFor(() => calm.allowed(8) > 1, 5_000, 'a first step up');
    // Whole again: 8 allowed comes a window before the last step (7.5 rounds up to 8), so
    // the test waits for the last step rather than checking at once (it raced in CI).
    await waitFor(() => !calm.lagging, 10_000, 'the whole concurrency back');
    expect(calm.allowed(8)).toBe(8);
  });
});
