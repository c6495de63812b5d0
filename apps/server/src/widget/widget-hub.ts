import type { WidgetServerFrame } from '@parley/protocol';
import type { EventBus } from '../bus/events.js';
import { webMessageEvent } from './widget-events.js';
import { visibleToVisitor, widgetMessageOfSnapshot } from './widget-messages.js';

/** Something that shows frames to one visitor: a socket, or a waiting long-poll. */
export interface WidgetSubscriber {
  deliver(frame: WidgetServerFrame): void;
}

/** Visitors are addressed by channel and contact: one key per widget visitor. */
export function visitorKey(channelId: number, contactId: number): string {
  return `${String(channelId)}:${String(contactId)}`;
}

/**
 * Fans domain events out to widget visitors in this process. One bus subscription per
 * event type for the whole process, and a map from visitor to their open sockets and
 * polls, so ten thousand idle visitors cost ten thousand map entries, not ten thousand
 * listeners. Frames are built from the event's snapshot: no database read per message.
 * What the live path misses (a restart, a dropped socket) the widget repairs by resuming
 * from its cursor against the messages table.
 */
export class WidgetHub {
  readonly #visitors = new Map<string, Set<WidgetSubscriber>>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(private readonly bus: EventBus) {}

  start(): void {
    this.#unsubscribe.push(
      this.bus.subscribe('message.created', ({ payload }) => {
        const event = webMessageEvent(payload.data);
        if (event === undefined) return;
        const { message } = event;
        if (!visibleToVisitor(message.direction, message.content)) return;
        this.#deliver(visitorKey(event.channelId, event.contactId), {
          type: 'message',
          message: widgetMessageOfSnapshot(message, event.agentName),
        });
      }),
      this.bus.subscribe('message.status_changed', ({ payload }) => {
        const event = webMessageEvent(payload.data);
        if (event === undefined) return;
        this.#deliver(visitorKey(event.channelId, event.contactId), {
          type: 'status',
          id: event.message.id,
          status: event.message.status,
        });
      }),
      this.bus.subscribe('widget.action', ({ payload }) => {
        this.#deliver(visitorKey(payload.channelId, payload.contactId), {
          type: 'action',
          action: payload.action,
        });
      }),
      this.bus.subscribe('widget.typing', ({ payload }) => {
        if (payload.from !== 'agent') return;
        this.#deliver(visitorKey(payload.channelId, payload.contactId), {
          type: 'typing',
          on: payload.on,
          name: payload.name,
        });
      }),
    );
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** Adds a subscriber for a visitor; the returned function removes it. */
  join(key: string, subscriber: WidgetSubscriber): () => void {
    let subscribers = this.#visitors.get(key);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#visitors.set(key, subscribers);
    }
    subscribers.add(subscriber);
    return () => {
      const current = this.#visitors.get(key);
      if (current === undefined) return;
      current.delete(subscriber);
      if (current.size === 0) this.#visitors.delete(key);
    };
  }

  /** How many visitors have at least one open socket or poll here (metrics, bench). */
  get visitorCount(): number {
    return this.#visitors.size;
  }

  #deliver(key: string, frame: WidgetServerFrame): void {
    const subscribers = this.#visitors.get(key);
    if (subscribers === undefined) return;
    for (const subscriber of [...subscribers]) subscriber.deliver(frame);
  }
}
