import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, incomingText, none, templateText, templateUse, variableField } from './common.js';
import { askQuestion, invalid, maxRetriesField, retryPromptField, valid } from './interactive.js';
import { parseIsoDate } from '@parley/protocol/validators';
import {
  clock,
  dayNumber,
  instantOf,
  isoDay,
  isTimeZone,
  localTime,
  weekdayOf,
} from './zoned-time.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Minutes since midnight of `HH:mm` (`24:00` is the end of the day). */
export const minutesOf = (time: string): number => {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return h * 60 + m;
};
const timeField = (label: string, fallback: string, help: string) =>
  field(z.string().regex(TIME, 'a time HH:mm').default(fallback), { label, kind: 'text', help });

export const calendarData = z
  .object({
    prompt: templateText('Question'),
    mode: field(z.enum(['date', 'time', 'datetime']).default('date'), {
      label: 'Pick',
      kind: 'select',
    }),
    weekdays: field(
      z
        .array(z.enum(WEEKDAYS))
        .min(1)
        .max(7)
        .default([...WEEKDAYS]),
      {
        label: 'Available days',
        kind: 'select',
      },
    ),
    earliest: timeField('From', '00:00', 'The earliest time of day a slot may start.'),
    latest: timeField('Until', '24:00', 'The time of day by which a slot must have ended.'),
    slotMinutes: field(z.number().int().min(1).max(1_440).optional(), {
      label: 'Slot length (minutes)',
      kind: 'number',
      help: 'Times must start on a slot boundary counted from "From".',
    }),
    minDaysAhead: field(z.number().int().min(0).max(3_650).default(0), {
      label: 'Earliest day',
      kind: 'number',
      help: 'Days from today; 0 allows today.',
    }),
    maxDaysAhead: field(z.number().int().min(0).max(3_650).default(365), {
      label: 'Latest day',
      kind: 'number',
      help: 'Days from today.',
    }),
    timezone: field(z.string().min(1).max(64).default('UTC'), {
      label: 'Time zone',
      kind: 'text',
      help: 'An IANA time zone such as Europe/Paris; days and times are checked there.',
    }),
    variable: variableField('Save in', 'YYYY-MM-DD, HH:mm, or an ISO 8601 instant in UTC.'),
    retryPrompt: retryPromptField(),
    maxRetries: maxRetriesField(),
  })
  .refine((data) => isTimeZone(data.timezone), {
    message: 'not an IANA time zone',
    path: ['timezone'],
  })
  .refine((data) => minutesOf(data.earliest) < minutesOf(data.latest), {
    message: '"Until" must be after "From"',
    path: ['latest'],
  })
  .refine((data) => (data.slotMinutes ?? 0) <= minutesOf(data.latest) - minutesOf(data.earliest), {
    message: 'a slot does not fit between "From" and "Until"',
    path: ['slotMinutes'],
  })
  .refine((data) => data.minDaysAhead <= data.maxDaysAhead, {
    message: 'the latest day is before the earliest day',
    path: ['maxDaysAhead'],
  });
export type CalendarData = z.infer<typeof calendarData>;

interface Day {
  year: number;
  month: number;
  day: number;
}

/** The last minute of the day a slot may start at. */
const lastStart = (data: CalendarData): number =>
  Math.min(minutesOf(data.latest) - (data.slotMinutes ?? 0), 1_439);

function timeAllowed(data: CalendarData, minutes: number): boolean {
  const from = minutesOf(data.earliest);
  if (minutes < from || minutes > lastStart(data)) return false;
  return data.slotMinutes === undefined || (minutes - from) % data.slotMinutes === 0;
}

function dayAllowed(data: CalendarData, day: Day, now: number): boolean {
  const ahead = dayNumber(day) - dayNumber(localTime(now, data.timezone));
  const weekday = WEEKDAYS[weekdayOf(day)];
  return (
    ahead >= data.minDaysAhead &&
    ahead <= data.maxDaysAhead &&
    weekday !== undefined &&
    data.weekdays.includes(weekday)
  );
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/;
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A date and time: local wall time in the block's zone, or an instant with an offset. */
function parseDateTime(text: string, timeZone: string): number | null {
  if (ABSOLUTE.test(text)) return Date.parse(text);
  const match = LOCAL.exec(text);
  const date = parseIsoDate(match?.[1] ?? '');
  const time = match?.[2] ?? '';
  if (date === null || !TIME.test(time) || time === '24:00') return null;
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return instantOf({ year, month, day, hour, minute }, timeZone);
}

/** The stored value of a valid choice, or null. */
export function parseSlot(data: CalendarData, raw: string, now: number): string | null {
  const text = raw.trim();
  switch (data.mode) {
    case 'date': {
      const date = parseIsoDate(text);
      if (date === null) return null;
      const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
      return dayAllowed(data, { year, month, day }, now) ? date : null;
    }
    case 'time': {
      // "9:30" and "09:30" are the same time; the stored form is always HH:mm.
      const match = /^(\d{1,2}):([0-5]\d)$/.exec(text);
      const minutes = match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
      return minutes < 1_440 && timeAllowed(data, minutes) ? clock(minutes) : null;
    }
    case 'datetime': {
      const instant = parseDateTime(text, data.timezone);
      // Slots start on whole minutes; an instant in the past is never available.
      if (instant === null || !Number.isInteger(instant / 60_000) || instant < now) return null;
      const local = localTime(instant, data.timezone);
      const ok = dayAllowed(data, local, now) && timeAllowed(data, local.hour * 60 + local.minute);
      return ok ? new Date(instant).toISOString() : null;
    }
  }
}

/** The bounds the picker shows: local dates, times, or both. */
function bounds(data: CalendarData, now: number): { min: string; max: string } {
  const today = dayNumber(localTime(now, data.timezone));
  const [minDay, maxDay] = [isoDay(today + data.minDaysAhead), isoDay(today + data.maxDaysAhead)];
  const [from, until] = [data.earliest, clock(lastStart(data))];
  if (data.mode === 'date') return { min: minDay, max: maxDay };
  if (data.mode === 'time') return { min: from, max: until };
  return { min: `${minDay}T${from}`, max: `${maxDay}T${until}` };
}

function execute(data: CalendarData, ctx: ExecContext): BlockResult {
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => [
      {
        type: 'date_picker',
        text: render(retry === null ? data.prompt : (data.retryPrompt ?? data.prompt), ctx.scope),
        mode: data.mode,
        ...bounds(data, ctx.now),
      },
    ],
    answer: (content) => {
      const text = incomingText({ type: 'message', content });
      const value = text === null ? null : parseSlot(data, text, ctx.now);
      return value === null ? invalid() : valid(value);
    },
    accept: (value) => ({ next: 'next', variables: { [data.variable]: value } }),
  });
}

export const calendarBlock: BlockDefinition<CalendarData> = {
  type: 'calendar',
  label: 'Calendar',
  data: calendarData,
  waits: true,
  handles: () => ['next', 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['prompt'], data.prompt)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) => [data.variable],
  targets: none,
  execute,
};
