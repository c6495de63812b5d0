import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How a job runner learns how many jobs it may run at once right now. */
export interface JobConcurrencyLimit {
  /** At most `configured`, at least 1. */
  allowed(configured: number): number;
}

/** A limit that never lowers the configured concurrency. */
export const noConcurrencyLimit: JobConcurrencyLimit = {
  allowed: (configured) => configured,
};

const WINDOW_MS = 100;
const RESOLUTION_MS = 10;

/**
 * Lowers job concurrency while the event loop lags, so that HTTP requests in the same
 * process (webhooks waiting for their acknowledgement) are not queued behind background
 * work. Jobs waiting on the network leave the loop idle and keep their concurrency; jobs
 * that keep the CPU busy (a channel's inbox, bot turns) make it lag, and then run fewer at a
 * time. Additive increase, multiplicative decrease per 100 ms window: halved after a
 * window whose worst delay passed `lagLimitMs`, one more after a calm one. Never below one,
 * so background work always goes on.
 */
export class EventLoopPressure implements JobConcurrencyLimit {
  readonly #lagLimitNs: number;
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  /** The share of the configured concurrency allowed now, 0 < share <= 1. */
  #fraction = 1;

  constructor(lagLimitMs: number) {
    this.#lagLimitNs = lagLimitMs * 1e6;
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      this.#adjust();
    }, WINDOW_MS);
    this.#timer.unref();
  }

  allowed(configured: number): number {
    return Math.max(1, Math.min(configured, Math.round(configured * this.#fraction)));
  }

  /** Whether the last window lagged (for tests and metrics). */
  get lagging(): boolean {
    return this.#fraction < 1;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }

  #adjust(): void {
    const worst = this.#histogram.max;
    this.#histogram.reset();
    if (worst > this.#lagLimitNs) this.#fraction = Math.max(this.#fraction / 2, 1 / 64);
    else this.#fraction = Math.min(1, this.#fraction + 1 / 8);
  }
}
