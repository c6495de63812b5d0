import {
  GuardedFetchError,
  type GuardedHttpClient,
  type GuardedResponse,
} from '../../security/guarded-fetch.js';
import type {
  DeliveryStatus,
  WebhookDeliveryRow,
  WebhookRow,
} from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { enqueueLaneJob, kickPendingLanes } from './webhook-lanes.js';
import { isWotnotEventKey, type WotnotEventKey } from './wotnot-event-payloads.js';

export interface WebhookInput {
  /** May be empty only when the webhook is being disabled. */
  readonly url: string;
  readonly subscribedEvents: readonly WotnotEventKey[];
  readonly enabled: boolean;
  readonly token: string;
}

/** A webhook as the APIs show it: never its token. */
export interface WebhookView {
  readonly id: number;
  readonly url: string;
  readonly subscribedEvents: readonly WotnotEventKey[];
  readonly enabled: boolean;
  readonly verifiedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deliveries: Readonly<Record<DeliveryStatus, number>>;
}

export interface DeliveryPage {
  readonly deliveries: readonly WebhookDeliveryRow[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextBefore: number | null;
}

export interface WebhooksServiceOptions {
  readonly http: GuardedHttpClient;
  /** How long the receiver has to answer the verification request. Default 10 s. */
  readonly verifyTimeoutMs?: number;
}

export function parseSubscribedEvents(json: string): WotnotEventKey[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value)
    ? value.filter((key): key is WotnotEventKey => typeof key === 'string' && isWotnotEventKey(key))
    : [];
}

/**
 * Event webhooks: WotNot keeps one per account, set (upserted) by its "Set webhook URL
 * for Events feature" endpoint; the native API reads it and its delivery log.
 */
export class WebhooksService {
  constructor(
    private readonly context: ServiceContext,
    private readonly options: WebhooksServiceOptions,
  ) {}

  /**
   * Verifies the URL first when enabling (outside any transaction: never hold a
   * transaction open across a network call), then saves. A failed verification saves
   * nothing.
   */
  async configure(accountId: number, input: WebhookInput): Promise<WebhookView> {
    if (input.enabled) await this.#verify(input.url, input.token);
    const now = Date.now();
    const events = JSON.stringify([...new Set(input.subscribedEvents)]);
    const sealed = this.context.secretBox.seal(input.token);
    await inTransaction(this.context.db, async (unit) => {
      if (this.context.dialect === 'postgres') {
        // One webhook per account without a unique index: two saves at once must not
        // both insert, so they queue on the account row.
        await unit.db
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', accountId)
          .forUpdate()
          .execute();
      }
      const existing = await this.#find(unit.db, accountId);
      this.context.caches.changedOnCommit(unit, accountId, 'webhooks');
      const values = {
        url: input.url,
        token: sealed,
        events,
        enabled: input.enabled ? 1 : 0,
        verified_at: input.enabled ? now : (existing?.verified_at ?? null),
        updated_at: now,
      };
      let webhookId: number;
      if (existing === undefined) {
        const row = await unit.db
          .insertInto('webhooks')
          .values({ ...values, account_id: accountId, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        webhookId = row.id;
      } else {
        await unit.db.updateTable('webhooks').set(values).where('id', '=', existing.id).execute();
        webhookId = existing.id;
      }
      // Deliveries left pending while the webhook was off go out now.
      if (input.enabled)
        await kickPendingLanes(this.context.db, this.context.queue, unit, { accountId, webhookId });
    });
    const saved = await this.get(accountId);
    if (saved === undefined) throw new DomainError('INTERNAL_ERROR');
    return saved;
  }

  /** The account's webhook with its delivery counts, if it has one. */
  async get(accountId: number): Promise<WebhookView | undefined> {
    const row = await this.#find(this.context.db, accountId);
    return row === undefined ? undefined : this.#view(row);
  }

  async list(accountId: number): Promise<WebhookView[]> {
    const webhook = await this.get(accountId);
    return webhook === undefined ? [] : [webhook];
  }

  /** The delivery log, newest first, by keyset (`before` an id). */
  async deliveries(
    accountId: number,
    query: { status?: DeliveryStatus | undefined; before?: number | undefined; limit: number },
  ): Promise<DeliveryPage> {
    const rows = await this.context.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status ?? 'pending'))
      .$if(query.before !== undefined, (q) => q.where('id', '<', query.before ?? 0))
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      deliveries: page,
      nextBefore: rows.length > query.limit && last !== undefined ? last.id : null,
    };
  }

  /**
   * Sends a dead delivery again: it becomes the oldest pending one of its lane and gets
   * one immediate attempt (its 24 h horizon, counted from creation, is over, so a
   * failure makes it dead again rather than blocking the lane for another day).
   */
  async retry(accountId: number, id: number): Promise<WebhookDeliveryRow> {
    return inTransaction(this.context.db, async (unit) => {
      const delivery = await unit.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (delivery === undefined)
        throw new DomainError('RESOURCE_NOT_FOUND', { message: 'Webhook delivery not found.' });
      if (delivery.status !== 'dead')
        throw new DomainError('BAD_REQUEST', {
          message: `Only dead deliveries can be retried; this one is ${delivery.status}.`,
        });
      const now = Date.now();
      const updated = await unit.db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueueLaneJob(this.context.queue, unit, {
        accountId,
        webhookId: delivery.webhook_id,
        lane: delivery.lane,
      });
      return updated;
    });
  }

  #find(db: ServiceContext['db'], accountId: number): Promise<WebhookRow | undefined> {
    return db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  async #view(row: WebhookRow): Promise<WebhookView> {
    const counts = await this.context.db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
      .where('account_id', '=', row.account_id)
      .where('webhook_id', '=', row.id)
      .groupBy('status')
      .execute();
    const count = (status: DeliveryStatus) =>
      counts.find((entry) => entry.status === status)?.count ?? 0;
    return {
      id: row.id,
      url: row.url,
      subscribedEvents: parseSubscribedEvents(row.events),
      enabled: row.enabled === 1,
      verifiedAt: row.verified_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deliveries: { pending: count('pending'), delivered: count('delivered'), dead: count('dead') },
    };
  }

  /**
   * WotNot's check: POST `{"type":"verification","token"}` (token also in a header); the
   * receiver must answer 200 echoing the token, as the raw body, a JSON string, or a
   * JSON object's `token` or `challenge`.
   */
  async #verify(url: string, token: string): Promise<void> {
    const fail = (reason: string, cause?: unknown) =>
      new DomainError('BAD_REQUEST', {
        message: `The webhook URL did not echo the token: ${reason}`,
        cause,
      });
    let response: GuardedResponse;
    try {
      response = await this.options.http.fetch(url, {
        method: 'POST',
        timeoutMs: this.options.verifyTimeoutMs ?? 10_000,
        maxResponseBytes: 16_384,
        headers: { 'content-type': 'application/json', 'x-parley-webhook-token': token },
        body: JSON.stringify({ type: 'verification', token }),
      });
    } catch (error) {
      throw fail(error instanceof GuardedFetchError ? error.message : 'the request failed', error);
    }
    if (response.status !== 200) throw fail(`it answered HTTP ${response.status}.`);
    if (!echoes(response.text(), token)) throw fail('its answer did not contain the token.');
  }
}

function echoes(body: string, token: string): boolean {
  if (body.trim() === token) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (parsed === token) return true;
  if (typeof parsed !== 'object' || parsed === null) return false;
  const field = (name: string): unknown => Object.getOwnPropertyDescriptor(parsed, name)?.value;
  return field('token') === token || field('challenge') === token;
}
