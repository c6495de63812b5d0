import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { inTransaction } from '../../storage/transaction.js';
import { bearer } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { DomainError } from '../errors/domain-error.js';
import {
  conversationSnapshot,
  createWebhookHarness,
  messageSnapshot,
  type WebhookHarness,
} from './webhooks-harness.js';
import { WebhooksService } from './webhooks-service.js';

const KEYS = [
  'conversation_create',
  'message',
  'status',
  'assignee_change',
  'sla_breached',
  'variables',
  'conversation_labels',
  'note',
];

/** The seed's body (spec 001, "Set webhook URL for Events feature"), pointed at `url`. */
function seedBody(url: string, unsubscribed: readonly string[] = []) {
  return {
    webhook_url: url,
    subscribed_events: KEYS.map((key) => ({ key, is_subscribed: !unsubscribed.includes(key) })),
    is_enabled: true,
    token: 'Test',
  };
}

describe.each(STACKS)('event webhook settings on $name', (stack) => {
  let h: WebhookHarness;
  let admin: { authorization: string };
  // One harness per stack (a PostgreSQL database costs a second to make); reset per test.
  beforeAll(async () => {
    h = await createWebhookHarness(stack, { backoffBaseMs: 20, backoffCapMs: 100 });
    admin = bearer(h.first.accountToken);
  });
  beforeEach(async () => {
    await h.reset();
  });
  afterAll(async () => {
    await h.close();
  });

  const setWebhook = (payload: object, headers = admin) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/accounts/${h.first.account.id}/webhook`,
      headers,
      payload,
    });
  const webhookRows = () => h.runtime.database.db.selectFrom('webhooks').selectAll().execute();

  it('sets the webhook with the seed body once the URL echoes the token, and upserts', async () => {
    const saved = await setWebhook(seedBody(h.receiver.url));
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({ ok: true });
    const [verification] = h.receiver.requests;
    expect(verification?.headers['x-parley-webhook-token']).toBe('Test');
    expect(JSON.parse(verification?.body ?? '')).toEqual({ type: 'verification', token: 'Test' });
    const [row] = await webhookRows();
    expect(row?.token).not.toContain('Test');
    expect(h.runtime.context.secretBox.open(row?.token ?? '')).toBe('Test');
    expect(row?.verified_at).not.toBeNull();

    h.receiver.echo = 'raw';
    expect((await setWebhook(seedBody(h.receiver.url, ['note']))).statusCode).toBe(200);
    h.receiver.echo = 'json-challenge';
    expect((await setWebhook(seedBody(h.receiver.url, ['note', 'status']))).statusCode).toBe(200);
    expect(await webhookRows()).toHaveLength(1);
    const listed = await h.app.inject({ url: '/api/native/webhooks', headers: admin });
    expect(listed.json()).toMatchObject({
      webhooks: [
        {
          url: h.receiver.url,
          enabled: true,
          subscribed_events: KEYS.filter((key) => key !== 'note' && key !== 'status'),
          deliveries: { pending: 0, delivered: 0, dead: 0 },
        },
      ],
    });
  });

  it('refuses a URL that does not echo the token or is private, and saves nothing', async () => {
    h.receiver.echo = 'none';
    const silent = await setWebhook(seedBody(h.receiver.url));
    expect(silent.statusCode).toBe(400);
    expect(silent.json()).toEqual({
      ok: false,
      error: 'BAD_REQUEST',
      code: 'BAD_REQUEST',
      status: 400,
      message: 'The webhook URL did not echo the token: its answer did not contain the token.',
    });
    await h.receiver.setMode('unavailable');
    const down = await setWebhook(seedBody(h.receiver.url));
    expect(down.json<{ message: string }>().message).toContain('it answered HTTP 503');
    expect(await webhookRows()).toHaveLength(0);

    const invalid = await setWebhook({
      ...seedBody(h.receiver.url),
      subscribed_events: [{ key: 'bogus', is_subscribed: true }],
    });
    expect(invalid.statusCode).toBe(400);
    const [issue] = invalid.json<{ message: { path: unknown[] }[] }>().message;
    expect(issue?.path.map(String)).toEqual(['subscribed_events', '0', 'key']);
    const anonymous = await setWebhook(seedBody(h.receiver.url), { authorization: '' });
    expect(anonymous.json()).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
    const scoped = await h.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'account', name: 'analytics', scopes: ['analytics.full_access'] },
    });
    const narrow = await setWebhook(
      seedBody(h.receiver.url),
      bearer(scoped.json<{ token: string }>().token),
    );
    expect(narrow.statusCode).toBe(403);

    // Without PARLEY_ALLOW_PRIVATE_NETWORKS the receiver on 127.0.0.1 is out of reach.
    const seen = h.receiver.requests.length;
    const guarded = new WebhooksService(h.runtime.context, { http: new GuardedHttpClient() });
    const refused = await guarded
      .configure(h.first.account.id, {
        url: h.receiver.url,
        subscribedEvents: ['message'],
        enabled: true,
        token: 'Test',
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused instanceof DomainError ? refused.message : '').toMatch(
      /did not echo the token: 127\.0\.0\.1 is a private or reserved address/,
    );
    expect(h.receiver.requests).toHaveLength(seen);
    expect(await webhookRows()).toHaveLength(0);
  });

  it('writes no delivery for an event whose transaction rolled back, nor for unsubscribed ones', async () => {
    expect((await setWebhook(seedBody(h.receiver.url, ['note']))).statusCode).toBe(200);
    const { db } = h.runtime.database;
    const rolledBack = inTransaction(db, async (unit) => {
      await h.runtime.context.events.record(unit, h.first.account.id, 1, 'message.created', {
        conversation: conversationSnapshot(1),
        message: messageSnapshot('m-rolled-back', 'never happened'),
      });
      throw new Error('roll back');
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    await h.record(1, 'note.created', {
      conversation: conversationSnapshot(1),
      note: { id: 1, body: 'internal', userId: null, createdAt: Date.now() },
    });
    await h.record(1, 'message.created', {
      conversation: conversationSnapshot(1),
      message: messageSnapshot('m-committed', 'hello'),
    });
    await waitFor(() => h.receiver.delivered().length >= 1, 10_000, 'the committed delivery');
    const rows = await db.selectFrom('webhook_deliveries').selectAll().execute();
    expect(rows.map((row) => row.event_type)).toEqual(['message']);
    expect(h.receiver.delivered().map((request) => request.body.includes('m-committed'))).toEqual([
      true,
    ]);
  });
});

describe.each(STACKS)('dead webhook deliveries on $name', (stack) => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await createWebhookHarness(stack, {
      backoffBaseMs: 20,
      backoffCapMs: 80,
      horizonMs: 400,
      inlineWaitMs: 30,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('gives up past the horizon, moves the lane on, and retries on request', async () => {
    const admin = bearer(h.first.accountToken);
    await h.webhooks.configure(h.first.account.id, {
      url: h.receiver.url,
      subscribedEvents: ['message'],
      enabled: true,
      token: 'Test',
    });
    h.receiver.failWhen = ({ body }) => body.includes('"m-doomed"');
    const sends: [number, string][] = [
      [1, 'm-doomed'],
      [1, 'm-after'],
      [2, 'm-other'],
    ];
    for (const [conversation, id] of sends)
      await h.record(conversation, 'message.created', {
        conversation: conversationSnapshot(conversation),
        message: messageSnapshot(id, id),
      });
    const arrived = (id: string) =>
      h.receiver.delivered().find((request) => request.body.includes(`"${id}"`));
    await waitFor(
      () => arrived('m-after') !== undefined,
      10_000,
      'the delivery behind the dead one',
    );
    expect(arrived('m-other')).toBeDefined();
    const doomedAttempts = h.receiver.requests.filter((request) =>
      request.body.includes('"m-doomed"'),
    );
    expect(doomedAttempts.length).toBeGreaterThanOrEqual(2);
    expect(
      new Set(doomedAttempts.map((request) => request.headers['x-parley-delivery'])).size,
    ).toBe(1);
    expect(Math.max(...doomedAttempts.map((request) => request.receivedAt))).toBeLessThanOrEqual(
      arrived('m-after')?.receivedAt ?? 0,
    );

    // The receiver answers before the sender records the outcome: poll the log.
    await waitFor(
      async () => {
        const listed = await h.app.inject({ url: '/api/native/webhooks', headers: admin });
        const [webhook] = listed.json<{ webhooks: { deliveries: object }[] }>().webhooks;
        return isDeepStrictEqual(webhook?.deliveries, { pending: 0, delivered: 2, dead: 1 });
      },
      5_000,
      'two delivered and one dead in the log',
    );
    const dead = await h.app.inject({
      url: '/api/native/webhooks/deliveries?status=dead',
      headers: admin,
    });
    const [deadDelivery] = dead.json<{ deliveries: { id: number }[] }>().deliveries;
    expect(dead.json()).toMatchObject({
      deliveries: [
        { status: 'dead', event_type: 'message', last_status_code: 500, lane: 'conversation:1' },
      ],
      next_before: null,
    });
    const page = await h.app.inject({
      url: '/api/native/webhooks/deliveries?limit=2',
      headers: admin,
    });
    const first = page.json<{ deliveries: { id: number }[]; next_before: number | null }>();
    expect(first.deliveries.map((row) => row.id)).toEqual([3, 2]);
    const rest = await h.app.inject({
      url: `/api/native/webhooks/deliveries?limit=2&before=${String(first.next_before)}`,
      headers: admin,
    });
    expect(rest.json()).toMatchObject({ deliveries: [{ id: 1 }], next_before: null });

    h.receiver.failWhen = undefined;
    const retry = (id: number) =>
      h.app.inject({
        method: 'POST',
        url: `/api/native/webhooks/deliveries/${id}/retry`,
        headers: admin,
      });
    const retried = await retry(deadDelivery?.id ?? 0);
    expect(retried.json()).toMatchObject({ status: 'pending' });
    await waitFor(() => arrived('m-doomed') !== undefined, 10_000, 'the retried delivery');
    expect((await retry(deadDelivery?.id ?? 0)).json()).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
    expect((await retry(999_999)).statusCode).toBe(404);
  });
});
