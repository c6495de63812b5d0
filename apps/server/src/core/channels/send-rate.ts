/**
 * A channel's own send rate, `config.sends_per_second`. Providers raise a sender's limit
 * (Meta moves a WhatsApp number from 80 to up to 1,000 messages a second), so the adapter's
 * documented default is only the starting point; a channel may state what it was granted.
 */
export const MAX_SENDS_PER_SECOND = 1_000;

/** Why a `sends_per_second` is refused, or undefined when it is absent or valid. */
export function sendRateProblem(config: Record<string, unknown> | undefined): string | undefined {
  const value = config?.sends_per_second;
  if (value === undefined || isSendRate(value)) return undefined;
  return `config.sends_per_second must be a whole number from 1 to ${String(MAX_SENDS_PER_SECOND)}`;
}

/** The channel's send rate when its config states a valid one, else `fallback`. */
export function sendsPerSecondOf(config: Record<string, unknown>, fallback: number): number {
  const value = config.sends_per_second;
  return isSendRate(value) ? value : fallback;
}

function isSendRate(value: unknown): value is number {
  return (
    Number.isInteger(value) &&
    typeof value === 'number' &&
    value >= 1 &&
    value <= MAX_SENDS_PER_SECOND
  );
}
