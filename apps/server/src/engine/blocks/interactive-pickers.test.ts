import { describe, expect, it } from 'vitest';
import { press, say, sentTexts } from '../testing.js';
import type { FlowEvent } from '../types.js';
import { problemPath, runBlock, sent, sink, T0 } from './interactive-testing.js';
import { instantOf, localTime } from './zoned-time.js';

const after = { edges: ['n->ok', 'n:fallback->lost'], extra: [sink('ok'), sink('lost')] };

describe('slider', () => {
  const slider = (extra: Record<string, unknown> = {}) => ({
    id: 'n',
    type: 'slider',
    data: {
      prompt: 'How likely, {{contact.name}}?',
      min: 0,
      max: 10,
      step: 0.5,
      variable: 'score',
      ...extra,
    },
  });
  const answer = (...events: FlowEvent[]) => runBlock(slider(), { ...after, events });

  it('sends a slider and saves a number in range and on a step', () => {
    expect(sent(runBlock(slider()).effects)).toEqual([
      { type: 'slider', text: 'How likely, Ada?', min: 0, max: 10, step: 0.5 },
    ]);
    const typed = answer(say('7,5'));
    expect(typed.session.variables.score).toBe(7.5);
    expect(sentTexts(typed.effects)).toEqual(['ok']);
    expect(answer(press('slider', '10')).session.variables.score).toBe(10);
    // 0.1 does not divide exactly in binary; 0.3 is still on the step.
    const fine = runBlock(slider({ min: 0, max: 1, step: 0.1 }), {
      ...after,
      events: [say('0.3')],
    });
    expect(fine.session.variables.score).toBe(0.3);
  });

  it('re-asks with the retry prompt, then takes "fallback"', () => {
    const retried = runBlock(slider({ retryPrompt: 'Between 0 and 10, please' }), {
      ...after,
      events: [say('7.3')],
    });
    expect(sent(retried.effects)).toEqual([
      { type: 'slider', text: 'Between 0 and 10, please', min: 0, max: 10, step: 0.5 },
    ]);
    const lost = answer(say('11'), say('-1'));
    expect(sentTexts(lost.effects)).toEqual(['lost']);
    expect(lost.session.variables.score).toBeUndefined();
    const patient = runBlock(slider({ maxRetries: 2 }), {
      ...after,
      events: [say('a'), say('b'), say('4')],
    });
    expect(patient.session.variables.score).toBe(4);
  });

  it.each([
    [{ prompt: 'Q', min: 5, max: 5, variable: 'v' }, 'data.max'],
    [{ prompt: 'Q', min: 0, max: 10, step: 20, variable: 'v' }, 'data.step'],
    [{ prompt: 'Q', min: 0, max: 10, step: 0, variable: 'v' }, 'data.step'],
    [{ prompt: 'Q', min: 0, max: 10 }, 'data.variable'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('slider', data)).toBe(path);
  });
});

describe('calendar', () => {
  // T0 is Monday 2025-01-06 08:00 UTC, 09:00 in Paris.
  const calendar = (extra: Record<string, unknown> = {}) => ({
    id: 'n',
    type: 'calendar',
    data: {
      prompt: 'When, {{contact.name}}?',
      mode: 'datetime',
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      earliest: '09:00',
      latest: '17:00',
      slotMinutes: 30,
      maxDaysAhead: 14,
      timezone: 'Europe/Paris',
      variable: 'slot',
      maxRetries: 0,
      ...extra,
    },
  });
  const pick = (text: string, extra: Record<string, unknown> = {}, now = T0) =>
    runBlock(calendar(extra), { ...after, events: [say(text)], now }).session.variables.slot;

  it('sends a date picker bounded by the rules, in the local time zone', () => {
    expect(sent(runBlock(calendar()).effects)).toEqual([
      {
        type: 'date_picker',
        text: 'When, Ada?',
        mode: 'datetime',
        min: '2025-01-06T09:00',
        max: '2025-01-20T16:30',
      },
    ]);
    const dates = sent(runBlock(calendar({ mode: 'date', minDaysAhead: 1 })).effects);
    expect(dates).toMatchObject([{ mode: 'date', min: '2025-01-07', max: '2025-01-20' }]);
  });

  it('datetime: saves the UTC instant of a free slot and continues on "next"', () => {
    const result = runBlock(calendar(), { ...after, events: [say('2025-01-06T09:30')] });
    expect(result.session.variables.slot).toBe('2025-01-06T08:30:00.000Z');
    expect(sentTexts(result.effects)).toEqual(['ok']);
    expect(pick('2025-01-07 16:30')).toBe('2025-01-07T15:30:00.000Z');
    // An instant with an offset is taken as it is: 08:00Z is 09:00 in Paris.
    expect(pick('2025-01-08T08:00:00Z')).toBe('2025-01-08T08:00:00.000Z');
  });

  it.each([
    ['2025-01-06T09:15', 'off the 30-minute grid'],
    ['2025-01-06T17:00', 'a slot ending after "Until"'],
    ['2025-01-06T08:30', 'before "From"'],
    ['2025-01-11T10:00', 'a Saturday'],
    ['2025-01-21T10:00', 'more than 14 days ahead'],
    ['2025-02-30T10:00', 'a date that does not exist'],
    ['2025-01-06T08:00:30Z', 'not on a whole minute'],
    ['tomorrow', 'not a date'],
  ])('datetime: refuses %s (%s)', (text) => {
    expect(pick(text)).toBeUndefined();
  });

  it('datetime: refuses a slot earlier today', () => {
    const noon = Date.UTC(2025, 0, 6, 11, 0);
    expect(pick('2025-01-06T11:00', {}, noon)).toBeUndefined();
    expect(pick('2025-01-06T12:30', {}, noon)).toBe('2025-01-06T11:30:00.000Z');
  });

  it('date: counts days ahead in the block time zone', () => {
    // At 12:00 UTC it is already 7 January in Auckland (UTC+13).
    const noon = Date.UTC(2025, 0, 6, 12, 0);
    const auckland = { mode: 'date', timezone: 'Pacific/Auckland' };
    expect(pick('2025-01-06', auckland, noon)).toBeUndefined();
    expect(pick('2025-01-07', auckland, noon)).toBe('2025-01-07');
    expect(pick('2025-01-07', { mode: 'date', minDaysAhead: 2 })).toBeUndefined();
    expect(pick('2025-01-08', { mode: 'date', minDaysAhead: 2 })).toBe('2025-01-08');
    expect(pick('2025-01-12', { mode: 'date' })).toBeUndefined();
  });

  it('time: checks the opening hours and the grid, and stores HH:mm', () => {
    expect(pick('9:30', { mode: 'time' })).toBe('09:30');
    expect(pick('09:45', { mode: 'time' })).toBeUndefined();
    expect(pick('16:45', { mode: 'time', slotMinutes: 15 })).toBe('16:45');
    expect(pick('24:00', { mode: 'time' })).toBeUndefined();
  });

  it('re-asks with the retry prompt, then takes "fallback"', () => {
    const node = calendar({ maxRetries: 1, retryPrompt: 'That slot is taken' });
    const retried = runBlock(node, { ...after, events: [say('2025-01-11T10:00')] });
    expect(sent(retried.effects)).toMatchObject([
      { type: 'date_picker', text: 'That slot is taken' },
    ]);
    const lost = runBlock(node, { ...after, events: [say('x'), say('y')] });
    expect(sentTexts(lost.effects)).toEqual(['lost']);
  });

  it('finds local times across daylight-saving changes and refuses skipped ones', () => {
    const ny = 'America/New_York';
    // 9 March 2025, 02:30 does not exist in New York: clocks jump from 02:00 to 03:00.
    expect(instantOf({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, ny)).toBeNull();
    const summer = instantOf({ year: 2025, month: 7, day: 1, hour: 9, minute: 0 }, ny);
    expect(summer).toBe(Date.UTC(2025, 6, 1, 13, 0));
    expect(localTime(Date.UTC(2025, 0, 1, 5, 0), ny)).toEqual({
      year: 2025,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
    });
  });

  const base = { prompt: 'Q', variable: 'v' };
  it.each([
    [{ ...base, timezone: 'Mars/Olympus' }, 'data.timezone'],
    [{ ...base, earliest: '18:00', latest: '09:00' }, 'data.latest'],
    [{ ...base, earliest: '9am' }, 'data.earliest'],
    [{ ...base, minDaysAhead: 10, maxDaysAhead: 5 }, 'data.maxDaysAhead'],
    [{ ...base, weekdays: ['funday'] }, 'data.weekdays.0'],
    [{ ...base, earliest: '09:00', latest: '17:00', slotMinutes: 600 }, 'data.slotMinutes'],
    [{ ...base, mode: 'week' }, 'data.mode'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('calendar', data)).toBe(path);
  });
});
