import type { Logger } from 'pino';
import type { EventBus } from '../../bus/events.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ConversationEventType } from './conversation-events.js';

/** A conversation event as recorded: the log row's id, and the snapshot. */
export interface RecordedEvent {
  readonly id: number;
  readonly type: ConversationEventType;
  readonly accountId: number;
  readonly conversationId: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
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

  async record(
    unit: UnitOfWork,
    accountId: number,
    conversationId: number,
    type: ConversationEventType,
    data: Record<string, unknown>,
  ): Promise<RecordedEvent> {
    const createdAt = Date.now();
    const row = await unit.db
      .insertInto('account_events')
      .values({
        account_id: accountId,
        type,
        conversation_id: conversationId,
        payload: JSON.stringify(data),
        created_at: createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event: RecordedEvent = { id: row.id, type, accountId, conversationId, data, createdAt };
    for (const listener of this.#listeners) await listener(unit, event);
    unit.afterCommit(() => {
      this.bus
        .publish(type, accountId, { eventId: event.id, conversationId, data })
        .catch((error: unknown) =>
          this.logger.error({ err: error, type }, 'could not publish event'),
        );
    });
    return event;
  }
}
