/**
 * Reconnect delays: exponential from 0.5 s to 30 s, with "full jitter" over the upper half so
 * a thousand widgets dropped by one server restart do not all come back in the same instant.
 */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
