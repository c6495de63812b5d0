import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';

describe('Pacer', () => {
  it('spaces starts by the interval, however many wait at once', async () => {
    const pacer = new Pacer(40);
    const signal = new AbortController().signal;
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        if (await pacer.turn(signal)) starts.push(Date.now());
      }),
    );
    starts.sort((a, b) => a - b);
    expect(starts).toHaveLength(4);
    // The pacer spaces its own clock readings by 40 ms; these are read a moment later, after
    // the await resumes, and Date.now() counts whole milliseconds: one of them can land in the
    // next millisecond, so consecutive readings here may be 39 apart, never less.
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(39);
  });

  it('gives up a wait as soon as the signal aborts', async () => {
    const pacer = new Pacer(10_000);
    const controller = new AbortController();
    expect(await pacer.turn(controller.signal)).toBe(true);
    const started = Date.now();
    setTimeout(() => {
      controller.abort();
    }, 50);
    expect(await pacer.turn(controller.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
