import type { Logger } from 'pino';
import type { EventEnvelope, EventListener, EventType } from './events.js';

type AnyListener = (event: EventEnvelope) => void | Promise<void>;

/**
 * The listeners registered in this process, by event type. A listener that throws is
 * logged and does not stop the others: one broken subscriber never hides an event.
 */
export class ListenerSet {
  readonly #byType = new Map<string, Set<AnyListener>>();

  constructor(private readonly logger: Logger) {}

  add<T extends EventType>(type: T, listener: EventListener<T>): () => void {
    const wrapped: AnyListener = (event) => (isOfType(event, type) ? listener(event) : undefined);
    let set = this.#byType.get(type);
    if (set === undefined) {
      set = new Set();
      this.#byType.set(type, set);
    }
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  async dispatch(event: EventEnvelope): Promise<void> {
    const listeners = this.#byType.get(event.type);
    if (listeners === undefined) return;
    await Promise.all(
      [...listeners].map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.logger.error(
            { err: error, event: event.type, eventId: event.id },
            'event listener failed',
          );
        }
      }),
    );
  }
}

function isOfType<T extends EventType>(event: EventEnvelope, type: T): event is EventEnvelope<T> {
  return event.type === type;
}
