import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  domainEventSchemas,
  isEventType,
  type DomainEvents,
  type EventBus,
  type EventEnvelope,
  type EventListener,
  type EventType,
} from './events.js';
import { ListenerSet } from './listeners.js';

const envelopeSchema = z.object({
  id: z.string(),
  type: z.string(),
  accountId: z.number(),
  occurredAt: z.number(),
  origin: z.string(),
  payload: z.unknown(),
});

/**
 * Redis pub/sub: every process sees every event, its own included (one delivery path,
 * the same order everywhere). Pub/sub is at-most-once: work that must not be lost goes
 * through the job queue, not the bus.
 */
export class RedisEventBus implements EventBus {
  readonly backend = 'redis';
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #listeners: ListenerSet;
  readonly #origin = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #logger: Logger;
  #ready: Promise<unknown>;

  constructor(options: { url: string; prefix: string; logger: Logger }) {
    this.#publisher = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.#subscriber = new Redis(options.url, { lazyConnect: false });
    this.#channel = `${options.prefix}:events`;
    this.#logger = options.logger;
    this.#listeners = new ListenerSet(options.logger);
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) void this.#receive(message);
    });
    this.#ready = this.#subscriber.subscribe(this.#channel);
  }

  /** Resolves once this process is subscribed (events published before that are not seen). */
  ready(): Promise<unknown> {
    return this.#ready;
  }

  async publish<T extends EventType>(
    type: T,
    accountId: number,
    payload: DomainEvents[T],
  ): Promise<void> {
    const event: EventEnvelope<T> = {
      id: randomUUID(),
      type,
      accountId,
      occurredAt: Date.now(),
      origin: this.#origin,
      payload,
    };
    await this.#publisher.publish(this.#channel, JSON.stringify(event));
  }

  subscribe<T extends EventType>(type: T, listener: EventListener<T>): () => void {
    return this.#listeners.add(type, listener);
  }

  async ping(): Promise<void> {
    await this.#publisher.ping();
  }

  async close(): Promise<void> {
    this.#ready = Promise.resolve();
    await Promise.allSettled([this.#subscriber.quit(), this.#publisher.quit()]);
  }

  async #receive(message: string): Promise<void> {
    const envelope = envelopeSchema.safeParse(safeJson(message));
    const type = envelope.success ? envelope.data.type : '';
    const payload = isEventType(type)
      ? domainEventSchemas[type].safeParse(envelope.data?.payload)
      : undefined;
    if (!envelope.success || payload?.success !== true || !isEventType(type)) {
      this.#logger.warn({ channel: this.#channel }, 'ignored a malformed bus message');
      return;
    }
    const event: EventEnvelope = { ...envelope.data, type, payload: payload.data };
    await this.#listeners.dispatch(event);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
