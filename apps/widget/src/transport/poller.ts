import { backoffDelay } from './backoff.js';
import type { LiveEvents } from './events.js';
import { ApiError, isAbort } from './http.js';
import type { WidgetApi } from './api.js';

/** Seconds the server may hold one poll open. */
const WAIT_SECONDS = 25;
/** Past this with no answer the poll is abandoned: a proxy swallowed it. */
const CLIENT_TIMEOUT_MS = (WAIT_SECONDS + 15) * 1_000;

/**
 * Long-polling, for networks that block WebSockets: one `GET /messages?after=&wait=` after
 * another, each answering at once when something happened and otherwise after `wait`.
 */
export class Poller {
  private stopped = false;
  private controller: AbortController | null = null;
  private sleeping: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: WidgetApi,
    private readonly cursor: () => number,
    private readonly events: LiveEvents,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.sleeping);
    this.controller?.abort();
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const controller = new AbortController();
      this.controller = controller;
      const timeout = setTimeout(() => {
        controller.abort();
      }, CLIENT_TIMEOUT_MS);
      try {
        const poll = await this.api.poll(this.cursor(), WAIT_SECONDS, controller.signal);
        attempt = 0;
        if (this.isStopped()) return;
        for (const message of poll.messages) this.events.message(message);
        for (const { id, status } of poll.statuses) this.events.status(id, status);
        for (const action of poll.actions) this.events.action(action);
        this.events.cursor(poll.cursor);
      } catch (error) {
        if (this.isStopped()) return;
        if (error instanceof ApiError && error.status === 401) {
          this.events.unauthorized();
          return;
        }
        // A timed-out poll is retried at once; a failed one after a backoff.
        if (!isAbort(error)) await this.sleep(backoffDelay(attempt++));
      } finally {
        clearTimeout(timeout);
      }
    }
  }

  /** A method, not the field: `stop()` may have run while a poll was awaited. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleeping = setTimeout(resolve, ms);
    });
  }
}
