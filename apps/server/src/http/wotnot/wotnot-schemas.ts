import { z } from 'zod';

/**
 * WotNot's validator (Joi) converts numeric strings, so clients send ids either way:
 * `"role_id": "262185"` in the docs' own example. Accept both; anything else is
 * "must be a number".
 */
export const numericId = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number().int().positive(),
);

/** `"true"`/`"false"` strings (as the docs send `notify_user`) or real booleans. */
export const looseBoolean = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);

export const okResponse = z.object({ ok: z.literal(true) });

export const wotnotErrorResponse = z.object({
  ok: z.literal(false),
  error: z.string(),
  code: z.string().optional(),
  status: z.number(),
  message: z.union([
    z.string(),
    z.array(z.object({ message: z.string(), path: z.array(z.union([z.string(), z.number()])) })),
    z.record(z.string(), z.array(z.string())),
  ]),
});

export const accountParams = z.object({ account: z.string() });

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** WotNot's display timestamp, `04-Jan-26, 01:13 AM` (UTC). */
export function wotnotDate(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${pad(date.getUTCDate())}-${MONTHS[date.getUTCMonth()] ?? ''}-${pad(date.getUTCFullYear() % 100)}, ${pad(hour12)}:${pad(date.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`;
}
