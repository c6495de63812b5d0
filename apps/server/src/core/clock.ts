/**
 * Where "now" comes from wherever time decides behaviour: which jobs are due, when a bot's
 * delay ends, whether a bot session has expired. The system clock in production; tests
 * pass one they can move (see testing/test-clock.ts) to cover days-long waits in seconds.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
