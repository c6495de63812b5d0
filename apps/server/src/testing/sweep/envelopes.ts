import { z } from 'zod';

/**
 * The error envelopes of Parley's API dialects (http/errors): every 4xx a route answers must
 * be one of them, and one route always the same one. A body of another shape (a framework's
 * default error, an HTML page, an empty body) is an error a client of that dialect cannot
 * read.
 */
const nativeEnvelope = z.object({
  error: z.object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
    message: z.string().min(1),
    request_id: z.string().min(1),
  }),
});

const wotnotMessage = z.union([
  z.string().min(1),
  z.array(z.object({ message: z.string().min(1) })).min(1),
  z.record(z.string(), z.array(z.string().min(1))),
]);
const wotnotEnvelope = z.object({
  ok: z.literal(false),
  error: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
  status: z.number().int(),
  message: wotnotMessage,
});

export type EnvelopeName = 'native' | 'wotnot';

/** Which envelope `body` (an error answered with `status`) is in, or what is wrong with it. */
export function envelopeOf(
  status: number,
  body: string,
): { readonly name: EnvelopeName } | { readonly problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: `not JSON: ${body.slice(0, 120)}` };
  }
  if (nativeEnvelope.safeParse(parsed).success) return { name: 'native' };
  const wotnot = wotnotEnvelope.safeParse(parsed);
  if (wotnot.success) {
    return wotnot.data.status === status
      ? { name: 'wotnot' }
      : { problem: `"status": ${String(wotnot.data.status)} in a ${String(status)} answer` };
  }
  return { problem: `no dialect's envelope: ${body.slice(0, 160)}` };
}
