import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { verifyWebhookSignature } from '../../core/webhooks/webhook-signature.js';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';

const SUBSCRIBED = [
  'conversation_create',
  'message',
  'message_status',
  'status',
  'assignee_change',
  'sla_breached',
  'variables',
  'conversation_labels',
  'note',
];
const envelope = z.object({
  token: z.string(),
  events: z.array(
    z.object({ event: z.object({ type: z.string(), payload: z.record(z.string(), z.unknown()) }) }),
  ),
});

/**
 * End to end: a conversation created through WotNot's API on a sandbox channel, with the
 * account's event webhook receiving every step, signed.
 */
describe.each(STACKS)('conversation events reach the WotNot webhook on $name', (stack) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(stack);
    ({ admin } = await conversationFixture(t));
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  const post = (url: string, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('delivers conversation_create, message and each message_status step, signed and verifiable', async () => {
    const configured = await post(`/v1/accounts/${t.first.account.id}/webhook`, {
      webhook_url: receiver.url,
      subscribed_events: SUBSCRIBED.map((key) => ({ key, is_subscribed: true })),
      is_enabled: true,
      token: 'Test',
    });
    expect(configured.json()).toEqual({ ok: true });
    receiver.requests.length = 0;
    await t.runtime.startWorkers();

    const created = await post('/v1/conversations', {
      channel: 'SMS',
      from: '14155550101',
      to: { phone: '14155550124', name: 'John Doe', email: 'abc@acme.com' },
      message: { type: 'text', text: 'Hii' },
    });
    expect(created.statusCode).toBe(200);
    const conversationId = created.json<{ conversation: { id: string } }>().conversation.id;

    const received = () =>
      receiver.requests
        .filter((request) => request.status === 200)
        .map((request) => ({ request, body: envelope.parse(JSON.parse(request.body)) }));
    const steps = () =>
      received().map(({ body }) => {
        const event = body.events[0]?.event;
        const message = z.object({ status: z.string() }).safeParse(event?.payload.message);
        const status =
          event?.type === 'message_status'
            ? `:${String(event.payload.status)}`
            : message.success
              ? `:${message.data.status}`
              : '';
        return `${event?.type ?? '?'}${status}`;
      });
    await waitFor(
      () => steps().includes('message_status:delivered'),
      10_000,
      'the delivered status webhook',
    );
    expect(steps()).toEqual([
      'conversation_create',
      'message:queued',
      'message_status:sent',
      'message_status:delivered',
    ]);

    for (const { request, body } of received()) {
      expect(body.token).toBe('Test');
      expect(body.events[0]?.event.payload.conversation_id).toBe(conversationId);
      const timestamp = String(request.headers['x-parley-timestamp']);
      const signature = String(request.headers['x-parley-signature']);
      expect(verifyWebhookSignature('Test', timestamp, request.body, signature)).toBe(true);
      expect(verifyWebhookSignature('Wrong', timestamp, request.body, signature)).toBe(false);
      expect(request.headers['x-parley-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const deliveryIds = received().map(({ request }) => request.headers['x-parley-delivery']);
    expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
  });

  it('replays the remaining seed request bodies: voice and template messages, user reassignment', async () => {
    const created = await post('/v1/conversations', {
      channel: 'SMS',
      from: '14155550101',
      to: { phone: '14155550125', name: 'Jane' },
      message: { type: 'text', text: 'Hello' },
      assignee: 'agent_email@domain.com',
    });
    const id = created.json<{ conversation: { id: string } }>().conversation.id;
    const voice = await post(`/api/v1/conversation/${id}/messages`, {
      message: {
        file: {
          path: 'https://example.com/file_example_WAV_1MG.wav',
          size: 1,
          type: 'audio/wav',
          name: 'file_example_WAV_1MG.wav',
        },
        type: 'voice',
      },
      user: { by: 'agent_email@domain.com' },
    });
    expect(voice.statusCode).toBe(200);
    const template = await post(`/api/v1/conversation/${id}/messages`, {
      message: { data: { template: 'test_template' }, type: 'template' },
      user: { by: 'agent_email@domain.com' },
    });
    expect(template.statusCode).toBe(200);
    const stored = await t.runtime.database.db
      .selectFrom('messages')
      .select('content')
      .where('public_id', 'in', [
        voice.json<{ message_id: string }>().message_id,
        template.json<{ message_id: string }>().message_id,
      ])
      .orderBy('id')
      .execute();
    expect(stored.map((row) => JSON.parse(row.content) as unknown)).toMatchObject([
      {
        type: 'media',
        kind: 'voice',
        media: { url: 'https://example.com/file_example_WAV_1MG.wav', mime: 'audio/wav' },
      },
      { type: 'template', name: 'test_template' },
    ]);

    // Reassign from the agent to the admin (`user.by` → `user.to`).
    const reassigned = await post(`/api/v1/conversation/${id}/events`, {
      event: 'assignee',
      user: { by: 'agent_email@domain.com', to: t.first.admin.email },
    });
    expect(reassigned.json()).toEqual({ ok: true });
    const conversation = await t.runtime.services.conversations.get(t.first.account.id, id);
    expect(conversation.assignee_user_id).toBe(t.first.admin.id);
  });
});
