import { describe, expect, it } from 'vitest';
import { ExpiringLookup } from './expiring-lookup.js';

describe('ExpiringLookup', () => {
  const counting = () => {
    let loads = 0;
    return {
      load: (value: string) => () => {
        loads += 1;
        return Promise.resolve(value);
      },
      loads: () => loads,
    };
  };

  it('reads an account once while its value is fresh, and again once it is not', async () => {
    let now = 1_000;
    const lookup = new ExpiringLookup<number, string>({ ttlMs: 100, now: () => now });
    const source = counting();
    expect(await lookup.get(1, source.load('a'))).toBe('a');
    now += 99;
    expect(await lookup.get(1, source.load('b'))).toBe('a');
    expect(source.loads()).toBe(1);
    now += 1;
    expect(await lookup.get(1, source.load('b'))).toBe('b');
    expect(source.loads()).toBe(2);
  });

  it('keeps accounts apart and forgets only the invalidated one', async () => {
    const lookup = new ExpiringLookup<number, string>();
    const source = counting();
    await lookup.get(1, source.load('one'));
    await lookup.get(2, source.load('two'));
    lookup.invalidate(1);
    expect(await lookup.get(1, source.load('one, changed'))).toBe('one, changed');
    expect(await lookup.get(2, source.load('two, changed'))).toBe('two');
    expect(source.loads()).toBe(3);
  });

  it('does not keep a value loaded while an invalidation came (it may be the old one)', async () => {
    const lookup = new ExpiringLookup<number, string>();
    let finish: (value: string) => void = () => undefined;
    const slow = lookup.get(1, () => new Promise<string>((resolve) => (finish = resolve)));
    lookup.invalidate(1);
    finish('old');
    expect(await slow).toBe('old');
    expect(await lookup.get(1, () => Promise.resolve('new'))).toBe('new');
  });

  it('holds at most maxKeys keys, dropping the least recently loaded', async () => {
    const lookup = new ExpiringLookup<number, number>({ maxKeys: 2 });
    for (const account of [1, 2, 3]) await lookup.get(account, () => Promise.resolve(account));
    expect(await lookup.get(1, () => Promise.resolve(10))).toBe(10);
    expect(await lookup.get(3, () => Promise.resolve(30))).toBe(3);
  });

  it('keeps only what `keep` accepts, and forgets every key on clear', async () => {
    const lookup = new ExpiringLookup<string, string | undefined>();
    const source = counting();
    const found = (value: string | undefined) => value !== undefined;
    expect(await lookup.get('unknown', () => Promise.resolve(undefined), found)).toBeUndefined();
    expect(await lookup.get('unknown', source.load('now known'), found)).toBe('now known');
    expect(await lookup.get('other', source.load('other'), found)).toBe('other');
    lookup.clear();
    expect(await lookup.get('unknown', source.load('again'), found)).toBe('again');
    expect(await lookup.get('other', source.load('other, again'), found)).toBe('other, again');
    expect(source.loads()).toBe(4);
  });
});
