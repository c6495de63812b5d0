import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DomainEvents, EventBus, EventListener, EventType } from './events.js';
import { ListenerSet } from './listeners.js';

/** In-process bus for the single-process default. Delivery is asynchronous (next tick). */
export class LocalEventBus implements EventBus {
  readonly backend = 'local';
  readonly #listeners: ListenerSet;
  readonly #origin: string;
  readonly #pending = new Set<Promise<void>>();

  constructor(logger: Logger, origin = `${process.pid}`) {
    this.#listeners = new ListenerSet(logger);
    this.#origin = origin;
  }

  publish<T extends EventType>(
    type: T,
    accountId: number,
    payload: DomainEvents[T],
  ): Promise<void> {
    const event = {
      id: randomUUID(),
      type,
      accountId,
      occurredAt: Date.now(),
      origin: this.#origin,
      payload,
    };
    const delivery = Promise.resolve().then(() => this.#listeners.dispatch(event));
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
    return Promise.resolve();
  }

  subscribe<T extends EventType>(type: T, listener: EventListener<T>): () => void {
    return this.#listeners.add(type, listener);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
