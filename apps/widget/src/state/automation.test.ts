import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../transport/backoff.js';
import { firstTrigger, popupsFor, triggerDelay } from './automation.js';

describe('web triggers', () => {
  const href = 'https://shop.example/pricing?plan=pro';

  it('fires on matching pages after the seconds on page', () => {
    expect(triggerDelay({ urlContains: '/pricing', secondsOnPage: 10 }, href, false)).toBe(10_000);
    expect(triggerDelay({ urlContains: '/checkout' }, href, true)).toBeNull();
    expect(triggerDelay({}, href, false)).toBe(0);
  });

  it('honours first-visit-only', () => {
    expect(triggerDelay({ firstVisitOnly: true }, href, true)).toBe(0);
    expect(triggerDelay({ firstVisitOnly: true }, href, false)).toBeNull();
  });

  it('takes the earliest trigger that applies', () => {
    const triggers = [{ secondsOnPage: 30 }, { urlContains: 'nope' }, { secondsOnPage: 5 }];
    expect(firstTrigger(triggers, href, false)).toBe(5_000);
    expect(firstTrigger([], href, false)).toBeNull();
  });
});

describe('pop-ups', () => {
  it('keeps the pop-ups meant for this page', () => {
    const popups = [
      { text: 'Hi', delaySeconds: 2, urlContains: '' },
      { text: 'Elsewhere', delaySeconds: 0, urlContains: '/blog' },
      { text: 'Deal', delaySeconds: 0, urlContains: 'pricing' },
    ];
    expect(popupsFor(popups, 'https://shop.example/pricing')).toEqual([
      { index: 0, text: 'Hi', delayMs: 2_000 },
      { index: 2, text: 'Deal', delayMs: 0 },
    ]);
  });
});

describe('backoffDelay', () => {
  it('grows from 0.5 s to 30 s with jitter in the upper half', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4_000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(15_000);
  });
});
