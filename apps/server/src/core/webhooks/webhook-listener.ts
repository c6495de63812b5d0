import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import type { EventRecorder, RecordedEvent } from '../events/event-recorder.js';
import { conversationLane, enqueueLaneJob } from './webhook-lanes.js';
import { WOTNOT_EVENT_KEYS, wotnotEnvelope } from './wotnot-event-payloads.js';
import { parseSubscribedEvents } from './webhooks-service.js';

/**
 * The outbox half of event webhooks: runs inside the transaction that recorded the event,
 * so a delivery exists exactly when the change it announces committed (a rolled-back
 * change leaves neither a delivery row nor a job).
 */
export function registerWebhookListener(recorder: EventRecorder, context: ServiceContext): void {
  recorder.onCommitting((unit, event) => recordWebhookDeliveries(context, unit, event));
}

/** Writes one delivery (and its lane job) per enabled webhook subscribed to the event. */
export async function recordWebhookDeliveries(
  context: ServiceContext,
  unit: UnitOfWork,
  event: RecordedEvent,
): Promise<void> {
  const key = WOTNOT_EVENT_KEYS[event.type];
  const enabled = await context.caches.webhooks.get(event.accountId, () =>
    unit.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', event.accountId)
      .where('enabled', '=', 1)
      .orderBy('id')
      .execute(),
  );
  const webhooks = enabled.filter((webhook) => parseSubscribedEvents(webhook.events).includes(key));
  if (webhooks.length === 0) return;
  if (context.dialect === 'postgres') {
    // Delivery ids must follow commit order within a lane, and PostgreSQL hands out
    // sequence values at insert time: two transactions on one conversation could commit
    // in the opposite order and the later event would be delivered first. Holding the
    // conversation row (which the conversation services update in these transactions
    // anyway) until commit serialises them. SQLite has a single writer already.
    await unit.db
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', event.conversationId)
      .where('account_id', '=', event.accountId)
      .forUpdate()
      .execute();
  }
  const lane = conversationLane(event.conversationId);
  const now = Date.now();
  for (const webhook of webhooks) {
    let token: string;
    try {
      token = context.secretBox.open(webhook.token);
    } catch (error) {
      // A token sealed under another master secret must not fail the conversation change
      // this transaction is making; the webhook misses the event and says so in the log.
      context.logger.error({ err: error, webhook: webhook.id }, 'webhook token cannot be opened');
      continue;
    }
    await unit.db
      .insertInto('webhook_deliveries')
      .values({
        account_id: event.accountId,
        webhook_id: webhook.id,
        delivery_id: randomUUID(),
        event_type: key,
        lane,
        payload: JSON.stringify(wotnotEnvelope(event, token)),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })
      .execute();
    await enqueueLaneJob(context.queue, unit, {
      accountId: event.accountId,
      webhookId: webhook.id,
      lane,
    });
  }
}
