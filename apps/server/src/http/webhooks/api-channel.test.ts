import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../storage/transaction.js';
import { signWebhook, verifyWebhookSignature } from '../../core/webhooks/webhook-signature.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';

const SECRET = 'api-channel-secret-0123456789';

describe.each(DIALECTS)('the API channel on %s', (dialect) => {
  let t: TestApp;
  let integrator: WebhookReceiver;
  let key: string;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(dialect);
    admin = bearer(t.first.accountToken);
    integrator = await WebhookReceiver.start();
    const channel = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: admin,
      payload: {
        type: 'api',
        provider: 'api',
        name: 'Our app',
        config: { url: integrator.url },
        secrets: { secret: SECRET },
      },
    });
    expect(channel.statusCode).toBe(201);
    expect(channel.body).not.toContain(SECRET);
    key = channel.json<{ public_key: string }>().public_key;
    await t.runtime.startWorkers();
  });
  afterEach(async () => {
    await t.close();
    await integrator.close();
  });

  const signedPost = (url: string, payload: unknown, secret = SECRET) => {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    return t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-parley-timestamp': String(timestamp),
        'x-parley-signature': signWebhook(secret, timestamp, body),
      },
      payload: body,
    });
  };

  it('takes signed inbound messages, POSTs replies signed to the integrator, and applies its status reports', async () => {
    const inbound = await signedPost(`/webhooks/api/${key}`, {
      from: 'user-42',
      name: 'Ada',
      message_id: 'm-1',
      content: { type: 'text', text: 'Hi there' },
    });
    expect(inbound.statusCode).toBe(200);
    const { conversation_id: conversationId } = inbound.json<{ conversation_id: string }>();
    const again = await signedPost(`/webhooks/api/${key}`, {
      from: 'user-42',
      message_id: 'm-1',
      content: { type: 'text', text: 'Hi there' },
    });
    expect(again.json()).toMatchObject({ outcome: 'duplicate', conversation_id: conversationId });

    const conversation = await t.runtime.services.conversations.get(
      t.first.account.id,
      conversationId,
    );
    const reply = await inTransaction(t.runtime.database.db, (unit) =>
      t.runtime.services.messages.addOutbound(unit, conversation, {
        content: { type: 'text', text: 'Hello Ada' },
        senderType: 'bot',
      }),
    );
    // addOutbound queued the send job in that same transaction (the outbox).
    await waitFor(() => integrator.requests.length > 0, 5_000, 'the outbound POST');
    const [request] = integrator.requests;
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
      type: 'message',
      message: {
        id: reply.public_id,
        conversation_id: conversationId,
        content: { type: 'text', text: 'Hello Ada' },
      },
      recipient: { id: 'user-42' },
    });
    expect(
      verifyWebhookSignature(
        SECRET,
        String(request?.headers['x-parley-timestamp']),
        request?.body ?? '',
        String(request?.headers['x-parley-signature']),
      ),
    ).toBe(true);
    expect(request?.headers['x-parley-delivery']).toBe(reply.public_id);

    const status = () =>
      t.runtime.database.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', reply.id)
        .executeTakeFirstOrThrow();
    await waitFor(async () => (await status()).status === 'sent', 5_000, 'sent');
    const delivered = await signedPost(`/webhooks/api/${key}/status`, {
      message_id: reply.public_id,
      status: 'delivered',
    });
    expect(delivered.json()).toEqual({ ok: true, applied: true });
    expect((await status()).status).toBe('delivered');
  });

  it('refuses unsigned, wrongly signed and unknown-channel requests', async () => {
    const payload = { from: 'user-42', content: { type: 'text', text: 'Hi' } };
    const unsigned = await t.app.inject({
      method: 'POST',
      url: `/webhooks/api/${key}`,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(unsigned.statusCode).toBe(400);
    expect(
      (await signedPost(`/webhooks/api/${key}`, payload, 'another-secret-0123456789')).statusCode,
    ).toBe(401);
    expect((await signedPost(`/webhooks/api/${'0'.repeat(32)}`, payload)).statusCode).toBe(401);
    const rows = await t.runtime.database.db.selectFrom('messages').select('id').execute();
    expect(rows).toHaveLength(0);
  });
});
