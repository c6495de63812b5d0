/**
 * Wall-clock time in an IANA time zone with nothing but `Intl` (no date library): enough
 * for the calendar block to check "a weekday between 09:00 and 17:00 in Europe/Paris".
 */

export interface LocalTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at an instant (to the minute). */
export function localTime(instant: number, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? Number.NaN);
  // Some ICU versions print midnight as 24 even with h23.
  const hour = get('hour') % 24;
  return { year: get('year'), month: get('month'), day: get('day'), hour, minute: get('minute') };
}

const wallMs = (t: LocalTime): number => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);

/**
 * The instant at which the clock in `timeZone` shows `local`, or null when that time does
 * not exist there (skipped by a daylight-saving change). An ambiguous time takes one of its
 * two instants, which is all a booking needs.
 */
export function instantOf(local: LocalTime, timeZone: string): number | null {
  const wall = wallMs(local);
  let guess = wall;
  // Two corrections settle the offset, also across a daylight-saving change.
  for (let i = 0; i < 2; i++) guess = wall - (wallMs(localTime(guess, timeZone)) - guess);
  return wallMs(localTime(guess, timeZone)) === wall ? guess : null;
}

/** Days since 1970-01-01 of a calendar date, for "days ahead" arithmetic. */
export const dayNumber = (t: Pick<LocalTime, 'year' | 'month' | 'day'>): number =>
  Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay`. */
export const weekdayOf = (t: Pick<LocalTime, 'year' | 'month' | 'day'>): number =>
  new Date(dayNumber(t) * DAY_MS).getUTCDay();

/** `YYYY-MM-DD` of a day number. */
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const pad = (n: number): string => String(n).padStart(2, '0');

/** `HH:mm` of minutes since midnight. */
export const clock = (minutes: number): string =>
  `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
