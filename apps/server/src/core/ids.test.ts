import { describe, expect, it } from 'vitest';
import { contactKey, conversationPublicId, messagePublicId, randomId } from './ids.js';

describe('public ids', () => {
  it('have the seeds’ lengths and alphabets', () => {
    expect(conversationPublicId()).toMatch(/^[a-z0-9]{11}$/);
    expect(messagePublicId()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(contactKey()).toMatch(/^[A-Za-z0-9]{32}$/);
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
