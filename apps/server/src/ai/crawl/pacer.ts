import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Politeness: request starts are at least `intervalMs` apart, whatever the concurrency
 * (which only bounds how many are open at once). Measured from the last actual start, not
 * from a schedule: a timer that fires late must not let the next request bunch up behind it.
 */
export class Pacer {
  intervalMs: number;
  #lastStart = Number.NEGATIVE_INFINITY;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Waits until a request may start (and counts it as started); false if the signal ended the wait. */
  async turn(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const wait = this.#lastStart + this.intervalMs - Date.now();
      if (wait <= 0) {
        this.#lastStart = Date.now();
        return true;
      }
      // Waiters woken together race for the turn; the losers see the new start and wait again.
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return false; // aborted
      }
    }
  }
}

export interface AbortWatch {
  readonly promise: Promise<'aborted'>;
  dispose(): void;
}

/** A promise that settles when the signal aborts, and a way to stop listening. */
export function whenAborted(signal: AbortSignal): AbortWatch {
  const listeners: (() => void)[] = [];
  const promise = new Promise<'aborted'>((resolve) => {
    const listener = () => {
      resolve('aborted');
    };
    listeners.push(listener);
    if (signal.aborted) listener();
    else signal.addEventListener('abort', listener, { once: true });
  });
  return {
    promise,
    dispose() {
      for (const listener of listeners) signal.removeEventListener('abort', listener);
    },
  };
}
