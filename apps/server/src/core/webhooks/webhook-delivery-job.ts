import type { JobTypes } from '../../jobs/job-types.js';
import { describeError, type JobDefinition } from '../../jobs/queue.js';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { WebhookDeliveryRow, WebhookRow } from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import { enqueueLaneJob, wakeKey, webhookDeliverPayload, type Lane } from './webhook-lanes.js';
import { signWebhook } from './webhook-signature.js';

export interface WebhookDeliveryOptions {
  readonly http: GuardedHttpClient;
  /** First retry delay of a failed delivery; doubles per attempt. Default 5 s. */
  readonly backoffBaseMs?: number;
  /** Longest retry delay. Default 1 h. */
  readonly backoffCapMs?: number;
  /** A delivery still failing this long after it was created is dead. Default 24 h. */
  readonly horizonMs?: number;
  /** Deliveries one job run handles before handing the lane to a fresh job. Default 50. */
  readonly batchSize?: number;
  /** Per-request timeout. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** A head due this soon is waited for in the job instead of rescheduled. Default 1 s. */
  readonly inlineWaitMs?: number;
}

type Outcome =
  | { readonly ok: true; readonly statusCode: number }
  | { readonly ok: false; readonly statusCode: number | null; readonly error: string };

const HOUR = 60 * 60 * 1_000;

/**
 * `webhook.deliver`: sends the deliveries of one lane (webhook × conversation) strictly
 * in order, each until it succeeds or passes the horizon.
 *
 * Ordering and exactly-one-sender, for any number of processes on PostgreSQL: a job only
 * ever sends the lane's OLDEST pending row, and only after claiming it with a
 * compare-and-set `UPDATE … SET next_attempt_at = now + lease WHERE id = ? AND status =
 * 'pending' AND next_attempt_at = <the value it read, which was ≤ now>`. Concurrent
 * claimers of one row serialise on its row lock and PostgreSQL re-checks the WHERE after
 * the winner commits, so exactly one sees a row updated. The lease makes the row "not
 * due" for everyone else, so nobody sends the row or (since it stays the oldest pending
 * one) anything behind it. The result is written only while the lease is still ours
 * (`next_attempt_at = lease`). A worker that dies mid-send leaves the lease to expire;
 * the row is then due again and re-sent with the same delivery id (at-least-once:
 * receivers deduplicate on X-Parley-Delivery). The lease outlasts the request timeout.
 *
 * Retries reschedule themselves instead of failing the job: a failure bumps `attempts`,
 * sets `next_attempt_at` by exponential backoff and, in the same transaction, enqueues a
 * job for that moment. So the backoff and the 24 h horizon are the same on both queue
 * backends, and the queue's own retries only cover infrastructure errors. A job that sees
 * a head not yet due schedules a wake-up for exactly that state (deduplicated by
 * `wakeKey`); one woken too early (clock skew) throws instead, so the queue retries it.
 * Past the horizon a failing delivery becomes 'dead' and the lane moves on.
 */
export function webhookDeliverJob(
  context: ServiceContext,
  options: WebhookDeliveryOptions,
): JobDefinition<'webhook.deliver'> {
  const deliverer = new LaneDeliverer(context, options);
  return {
    name: 'webhook.deliver',
    payload: webhookDeliverPayload,
    handle: (payload) => deliverer.run(payload),
  };
}

class LaneDeliverer {
  readonly #base: number;
  readonly #cap: number;
  readonly #horizon: number;
  readonly #batch: number;
  readonly #timeout: number;
  readonly #lease: number;
  readonly #inlineWait: number;

  constructor(
    private readonly context: ServiceContext,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.#base = options.backoffBaseMs ?? 5_000;
    this.#cap = options.backoffCapMs ?? HOUR;
    this.#horizon = options.horizonMs ?? 24 * HOUR;
    this.#batch = options.batchSize ?? 50;
    this.#timeout = options.requestTimeoutMs ?? 10_000;
    this.#lease = this.#timeout + 30_000;
    this.#inlineWait = options.inlineWaitMs ?? 1_000;
  }

  async run(job: JobTypes['webhook.deliver']): Promise<void> {
    const lane: Lane = { accountId: job.accountId, webhookId: job.webhookId, lane: job.lane };
    for (let step = 0; step < this.#batch; step++) {
      // Disabled or deleted: deliveries wait; enabling the webhook again kicks its lanes.
      const webhook = await this.#webhook(lane);
      if (webhook === undefined) return;
      const head = await this.#head(lane);
      if (head === undefined) return;
      const now = Date.now();
      if (head.next_attempt_at > now) {
        const wait = head.next_attempt_at - now;
        if (wait > this.#inlineWait) return this.#wakeAt(lane, head, job.wake);
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const leaseUntil = now + this.#lease;
      // Lost the race: someone else moved the head; read the lane again.
      if (!(await this.#claim(head, leaseUntil))) continue;
      const outcome = await this.#send(webhook, head);
      if ((await this.#settle(lane, head, leaseUntil, outcome)) === 'retry') return;
    }
    // Batch used up: a fresh job takes the rest, so one busy lane cannot hold a worker.
    const head = await this.#head(lane);
    if (head !== undefined) await this.#wakeAt(lane, head, job.wake);
  }

  #webhook(lane: Lane): Promise<WebhookRow | undefined> {
    return this.context.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', lane.webhookId)
      .where('account_id', '=', lane.accountId)
      .where('enabled', '=', 1)
      .executeTakeFirst();
  }

  #head(lane: Lane): Promise<WebhookDeliveryRow | undefined> {
    return this.context.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', lane.webhookId)
      .where('lane', '=', lane.lane)
      .where('status', '=', 'pending')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  /** Schedules a job for the head's due time, unless this job was that very wake-up. */
  async #wakeAt(lane: Lane, head: WebhookDeliveryRow, ownWake: string | undefined) {
    const key = wakeKey(head);
    if (key === ownWake)
      throw new Error(`woke before delivery ${head.delivery_id} was due; the queue retries`);
    await enqueueLaneJob(this.context.queue, undefined, lane, {
      runAt: Math.max(head.next_attempt_at, Date.now()),
      wake: key,
    });
  }

  async #claim(head: WebhookDeliveryRow, leaseUntil: number): Promise<boolean> {
    const result = await this.context.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', head.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', head.next_attempt_at)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async #send(webhook: WebhookRow, delivery: WebhookDeliveryRow): Promise<Outcome> {
    const token = this.context.secretBox.open(webhook.token);
    // Unix seconds at send time: every attempt is signed afresh, the body stays the same.
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await this.options.http.fetch(webhook.url, {
        method: 'POST',
        body: delivery.payload,
        timeoutMs: this.#timeout,
        maxResponseBytes: 4_096,
        headers: {
          'content-type': 'application/json',
          'x-parley-delivery': delivery.delivery_id,
          'x-parley-event': delivery.event_type,
          'x-parley-timestamp': String(timestamp),
          'x-parley-signature': signWebhook(token, timestamp, delivery.payload),
        },
      });
      if (response.status >= 200 && response.status < 300)
        return { ok: true, statusCode: response.status };
      const snippet = response.text().slice(0, 200).trim();
      return {
        ok: false,
        statusCode: response.status,
        error: `HTTP ${response.status}${snippet === '' ? '' : `: ${snippet}`}`,
      };
    } catch (error) {
      return { ok: false, statusCode: null, error: describeError(error) };
    }
  }

  /** Records the outcome while the lease is still ours; 'retry' when the lane must wait. */
  async #settle(
    lane: Lane,
    head: WebhookDeliveryRow,
    leaseUntil: number,
    outcome: Outcome,
  ): Promise<'next' | 'retry'> {
    const now = Date.now();
    const attempts = head.attempts + 1;
    const ours = (db: ServiceContext['db']) =>
      db
        .updateTable('webhook_deliveries')
        .where('id', '=', head.id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', leaseUntil);
    const log = { delivery: head.delivery_id, webhook: head.webhook_id, attempts };
    if (outcome.ok) {
      await ours(this.context.db)
        .set({
          status: 'delivered',
          delivered_at: now,
          attempts,
          last_status_code: outcome.statusCode,
          last_error: null,
        })
        .execute();
      this.context.logger.info({ ...log, statusCode: outcome.statusCode }, 'webhook delivered');
      return 'next';
    }
    const failure = { attempts, last_status_code: outcome.statusCode, last_error: outcome.error };
    if (now - head.created_at >= this.#horizon) {
      await ours(this.context.db)
        .set({ ...failure, status: 'dead' })
        .execute();
      this.context.logger.warn({ ...log, error: outcome.error }, 'webhook delivery dead');
      return 'next';
    }
    const nextAttemptAt = now + Math.min(this.#cap, this.#base * 2 ** (attempts - 1));
    this.context.logger.warn(
      { ...log, error: outcome.error, nextAttemptAt },
      'webhook delivery failed; retrying',
    );
    await inTransaction(this.context.db, async (unit) => {
      const updated = await ours(unit.db)
        .set({ ...failure, next_attempt_at: nextAttemptAt })
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return;
      await enqueueLaneJob(this.context.queue, unit, lane, {
        runAt: nextAttemptAt,
        wake: wakeKey({ delivery_id: head.delivery_id, attempts, next_attempt_at: nextAttemptAt }),
      });
    });
    return 'retry';
  }
}
