import type { Logger } from 'pino';
import type { EventBus } from '../../bus/events.js';
import { PreparedQuery } from '../../storage/prepared-query.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ConversationEventType } from './conversation-events.js';
import type { ConversationEventData } from './snapshots.js';

// Every change to a conversation writes one of these rows: prepared.
const insertEvent = new PreparedQuery<
  {
    account_id: number;
    type: ConversationEventType;
    conversation_id: number;
    payload: string;
    created_at: number;
  },
  { id: number }
>((db, param) =>
  db
    .insertInto('account_events')
    .values({
      account_id: param('account_id'),
      type: param('type'),
      conversation_id: param('conversation_id'),
      payload: param('payload'),
      created_at: param('created_at'),
    })
    .returning('id'),
);

/** A conversation event as recorded: the log row's id, and the snapshot of its type. */
export interface RecordedEvent<T extends ConversationEventType = ConversationEventType> {
  readonly id: number;
  readonly type: T;
  readonly accountId: number;
  readonly conversationId: number;
  readonly data: ConversationEventData[T];
  readonly createdAt: number;
}

/** Narrows an event to one type, so its snapshot is typed. */
export function isEventOf<T extends ConversationEventType>(
  event: RecordedEvent,
  type: T,
): event is RecordedEvent<T> {
  return event.type === type;
}

/**
 * Runs inside the transaction that made the change: whatever it writes (webhook
 * deliveries, jobs) commits or rolls back with the change itself. Must not call out.
 */
export type CommittingListener = (unit: UnitOfWork, event: RecordedEvent) => Promise<void>;

/**
 * The dispatcher for conversation events (in the manner of Chatwoot's): services record
 * what happened; side effects subscribe instead of being called inline. Recording writes
 * the account event log row and runs the committing listeners in the caller's
 * transaction (the outbox), then, after commit, publishes on the bus for realtime fan-out.
 */
export class EventRecorder {
  readonly #listeners: CommittingListener[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Registers a listener that runs in the recording transaction (webhooks, SLA timers). */
  onCommitting(listener: CommittingListener): void {
    this.#listeners.push(listener);
  }

  async record<T extends ConversationEventType>(
    unit: UnitOfWork,
    accountId: number,
    conversationId: number,
    type: T,
    data: ConversationEventData[T],
  ): Promise<number> {
    const createdAt = Date.now();
    const row = await insertEvent.takeFirstOrThrow(unit.db, {
      account_id: accountId,
      type,
      conversation_id: conversationId,
      payload: JSON.stringify(data),
      created_at: createdAt,
    });
    const event: RecordedEvent = { id: row.id, type, accountId, conversationId, data, createdAt };
    // Publish in recording order: registered before the listeners run, since a listener
    // may record events of its own (a bot's replies to this message).
    unit.afterCommit(() => {
      this.bus
        .publish(type, accountId, { eventId: event.id, conversationId, data })
        .catch((error: unknown) => {
          this.logger.error({ err: error, type }, 'could not publish event');
        });
    });
    for (const listener of this.#listeners) await listener(unit, event);
    return event.id;
  }
}
