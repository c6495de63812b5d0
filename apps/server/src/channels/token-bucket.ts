import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-channel send rate (WhatsApp's per-number throughput, Twilio's per-sender limit): a
 * token bucket per channel id, refilled continuously. `take` waits for a token rather than
 * failing, so a burst is spread out instead of being rejected by the provider. The bucket
 * is per process: with N workers a channel may send N times the rate, which the providers'
 * own 429s (retried with backoff) then bound.
 */
export class TokenBuckets {
  readonly #buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(channelId: number, perSecond: number): Promise<void> {
    const burst = Math.max(1, perSecond);
    for (;;) {
      const bucket = this.#buckets.get(channelId) ?? { tokens: burst, at: this.now() };
      const now = this.now();
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1_000) * perSecond);
      bucket.at = now;
      this.#buckets.set(channelId, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - bucket.tokens) / perSecond) * 1_000));
    }
  }
}
