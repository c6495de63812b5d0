import { z } from 'zod';
import type { JobQueue } from '../../jobs/queue.js';
import type { Db } from '../../storage/database.js';
import type { WebhookDeliveryRow } from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';

declare module '../../jobs/job-types.js' {
  interface JobTypes {
    /**
     * Deliver the pending webhook deliveries of one lane, oldest first. `wake` is set on
     * jobs scheduled for one exact state of the lane's head (see webhook-delivery-job.ts).
     */
    'webhook.deliver': {
      readonly accountId: number;
      readonly webhookId: number;
      readonly lane: string;
      readonly wake?: string | undefined;
    };
  }
}

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';

export const webhookDeliverPayload = z.object({
  accountId: z.number().int().positive(),
  webhookId: z.number().int().positive(),
  lane: z.string().min(1),
  wake: z.string().optional(),
});

export interface Lane {
  readonly accountId: number;
  readonly webhookId: number;
  readonly lane: string;
}

/**
 * The job's own attempts only cover infrastructure failures (the database answering
 * badly): a failed delivery is not a failed job, it is rescheduled by the row's
 * `next_attempt_at` (see webhook-delivery-job.ts).
 */
const LANE_JOB_OPTIONS = { maxAttempts: 10, backoffMs: 5_000 } as const;

/** Deliveries of one conversation go out in order; each conversation is its own lane. */
export function conversationLane(conversationId: number): string {
  return `conversation:${conversationId}`;
}

/**
 * Names one exact state of a lane's head: a delivery, its attempt count and when it is
 * next due. Within one attempt count `next_attempt_at` only grows (a claim pushes it
 * forward, a failure bumps the count), so a key never names two states; jobs that see
 * the same not-yet-due head schedule the same key and the queue keeps only one.
 */
export function wakeKey(
  head: Pick<WebhookDeliveryRow, 'delivery_id' | 'attempts' | 'next_attempt_at'>,
): string {
  return `webhook.deliver:${head.delivery_id}:${head.attempts}:${head.next_attempt_at}`;
}

/** Enqueues a lane job in the caller's unit of work (the outbox); `wake` deduplicates. */
export async function enqueueLaneJob(
  queue: JobQueue,
  unit: UnitOfWork | undefined,
  lane: Lane,
  schedule: { runAt?: number; wake?: string } = {},
): Promise<void> {
  await queue.enqueue(
    'webhook.deliver',
    {
      accountId: lane.accountId,
      webhookId: lane.webhookId,
      lane: lane.lane,
      ...(schedule.wake === undefined ? {} : { wake: schedule.wake }),
    },
    {
      ...LANE_JOB_OPTIONS,
      accountId: lane.accountId,
      ...(schedule.runAt === undefined ? {} : { runAt: schedule.runAt }),
      ...(schedule.wake === undefined ? {} : { idempotencyKey: schedule.wake }),
    },
    unit,
  );
}

/**
 * Starts a job for every lane that has pending deliveries (optionally of one account or
 * webhook): after a webhook is enabled again, and at worker start, so a lane whose job
 * ran out of attempts during a database outage does not stay stuck.
 */
export async function kickPendingLanes(
  db: Db,
  queue: JobQueue,
  unit: UnitOfWork | undefined,
  filter: { accountId?: number; webhookId?: number } = {},
): Promise<number> {
  const lanes = await (unit?.db ?? db)
    .selectFrom('webhook_deliveries')
    .select(['account_id', 'webhook_id', 'lane'])
    .where('status', '=', 'pending')
    .$if(filter.accountId !== undefined, (query) =>
      query.where('account_id', '=', filter.accountId ?? 0),
    )
    .$if(filter.webhookId !== undefined, (query) =>
      query.where('webhook_id', '=', filter.webhookId ?? 0),
    )
    .groupBy(['account_id', 'webhook_id', 'lane'])
    .execute();
  for (const lane of lanes)
    await enqueueLaneJob(queue, unit, {
      accountId: lane.account_id,
      webhookId: lane.webhook_id,
      lane: lane.lane,
    });
  return lanes.length;
}
