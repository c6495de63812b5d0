import { describe, expect, it } from 'vitest';
import { contactKey, conversationPublicId, messagePublicId, randomId } from './ids.js';

describe('public ids', () => {
  it('have the seeds’ lengths and alphabets', () => {
    expect(conversationPublicId()).toMatch(/^[a-z0-9]{11}$/);
    expect(messagePublicId()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(contactKey()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('make message ids that sort by creation time (ids of one millisecond in any order)', () => {
    const times = [0, 1, 61, 62, 1_765_000_000_000, 1_765_000_000_001, 1_765_000_060_000];
    const ids = times.map((at) => messagePublicId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(messagePublicId(62).slice(0, 8)).toBe('00000010');
    expect(ids.every((id) => /^[A-Za-z0-9]{32}$/.test(id))).toBe(true);
    expect(messagePublicId(5).slice(8)).not.toBe(messagePublicId(5).slice(8));
  });

  it('never repeat, and use every character about equally often (across pool refills)', () => {
    const keys = Array.from({ length: 20_000 }, () => messagePublicId());
    expect(new Set(keys).size).toBe(keys.length);
    const ids = Array.from({ length: 20_000 }, () => randomId(8, 'abcd'));
    const counts = new Map<string, number>();
    for (const char of ids.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    // 160,000 draws over 4 letters: 40,000 each, give or take a few hundred.
    for (const char of 'abcd') {
      expect(Math.abs((counts.get(char) ?? 0) - 40_000)).toBeLessThan(1_000);
    }
  });
});
