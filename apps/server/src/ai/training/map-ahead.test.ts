import { describe, expect, it } from 'vitest';
import { mapAhead } from './map-ahead.js';

async function* numbers(count: number, log: string[] = []): AsyncGenerator<number, string> {
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield i;
    }
    return 'done';
  } finally {
    log.push('source closed');
  }
}

const later = <T>(value: T, ms: number) =>
  new Promise<T>((resolve) => setTimeout(resolve, ms, value));

async function drain<R, S>(generator: AsyncGenerator<R, S>): Promise<{ items: R[]; value: S }> {
  const items: R[] = [];
  for (;;) {
    const step = await generator.next();
    if (step.done === true) return { items, value: step.value };
    items.push(step.value);
  }
}

describe('mapAhead', () => {
  it('yields results in the order of the items however long each takes, and returns the source value', async () => {
    let running = 0;
    let most = 0;
    const { items, value } = await drain(
      mapAhead(
        numbers(12),
        async (n) => {
          running++;
          most = Math.max(most, running);
          const result = await later(n * 10, (12 - n) % 4);
          running--;
          return result;
        },
        3,
      ),
    );
    expect(items).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(value).toBe('done');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('fails with the first failing item in order, and stops the source', async () => {
    const log: string[] = [];
    const generator = mapAhead(
      numbers(10, log),
      (n) => (n === 4 ? Promise.reject(new Error('four')) : later(n, 1)),
      3,
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for (let step = await generator.next(); step.done !== true; step = await generator.next())
          seen.push(step.value);
      })(),
    ).rejects.toThrow('four');
    expect(seen).toEqual([0, 1, 2, 3]);
    await later(undefined, 20);
    expect(log).toEqual(['source closed']);
  });

  it('stops the source when the consumer stops early', async () => {
    const log: string[] = [];
    const generator = mapAhead(numbers(10, log), (n) => later(n, 1), 2);
    expect((await generator.next()).value).toBe(0);
    await generator.return('stopped');
    await later(undefined, 20);
    expect(log).toEqual(['source closed']);
  });
});
