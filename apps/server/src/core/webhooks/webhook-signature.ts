import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Parley-Signature: sha256=<hex>`: HMAC-SHA256 keyed by the webhook's token over
 * `"<X-Parley-Timestamp>.<raw body>"`. The timestamp is inside the MAC so a captured
 * request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(token: string, timestamp: number | string, body: string): string {
  const mac = createHmac('sha256', token)
    .update(`${String(timestamp)}.${body}`)
    .digest('hex');
  return `sha256=${mac}`;
}

export interface VerifyOptions {
  /** Oldest accepted timestamp, in seconds from now (default 300; Infinity: any age). */
  readonly toleranceSeconds?: number;
  /** Unix seconds; default the clock. */
  readonly now?: number;
}

/**
 * For receivers (and tests): whether a request carries a valid signature. Compares in
 * constant time, and refuses timestamps outside the tolerance (replays).
 */
export function verifyWebhookSignature(
  token: string,
  timestamp: number | string,
  body: string,
  signature: string,
  options: VerifyOptions = {},
): boolean {
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(token, seconds, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
