import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flow } from '../../core/bots/bot-runner-harness.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { verifyWebhookSignature } from '../../core/webhooks/webhook-signature.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';

/** The statuses a message went through, oldest first. */
const statusHistory = z
  .array(z.object({ status: z.string() }))
  .transform((steps) => steps.map((step) => step.status));

const emailFlow = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'hi', type: 'message', data: { text: 'Hi!' } },
    {
      id: 'email',
      type: 'input',
      data: {
        prompt: 'Your e-mail?',
        kind: 'email',
        variable: 'email',
        retryPrompt: 'That is not an e-mail. Your e-mail?',
        maxRetries: 2,
      },
    },
    { id: 'thanks', type: 'message', data: { text: 'Thanks {{email}}' } },
    { id: 'end', type: 'end' },
  ],
  ['start->hi', 'hi->email', 'email->thanks', 'thanks->end'],
  [{ name: 'email', type: 'string', scope: 'contact' }],
);

interface Turn {
  conversation_id: string;
  user_id: string;
  messages: { id: string; content: { type: string; text?: string }; created_at: string }[];
}

describe.each(DIALECTS)('bot chat by bot_key on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  /** Creates and deploys a bot through the WotNot routes; resolves to its bot_key. */
  const deploy = async (channel: string, document: unknown = emailFlow): Promise<string> => {
    const admin = bearer(t.first.accountToken);
    const created = await post('/v1/bot', { name: 'Bot', channel }, admin);
    const { id } = created.json<{ id: number }>();
    const deployed = await post(
      `/v1/bots/${id}/deploy`,
      { flow_diagram: JSON.stringify(document) },
      admin,
    );
    expect(deployed.statusCode).toBe(200);
    const row = await t.runtime.database.db
      .selectFrom('bots')
      .select('bot_key')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.bot_key;
  };

  const texts = (turn: Turn) => turn.messages.map((message) => message.content.text);

  it('answers with the bot whose key was used, when the account has several API bots', async () => {
    const greeter = (text: string) =>
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'say', type: 'message', data: { text } },
          { id: 'end', type: 'end' },
        ],
        ['start->say', 'say->end'],
      );
    const first = await deploy('API', greeter('I am the first bot'));
    const second = await deploy('API', greeter('I am the second bot'));
    const a = (await post(`/api/native/bot-chat/${first}/start`, {})).json<Turn>();
    const b = (await post(`/api/native/bot-chat/${second}/start`, {})).json<Turn>();
    expect(texts(a)).toEqual(['I am the first bot']);
    expect(texts(b)).toEqual(['I am the second bot']);
  });

  it('starts the flow, re-asks an invalid e-mail and thanks for a valid one', async () => {
    const key = await deploy('API');
    const started = await post(`/api/native/bot-chat/${key}/start`, {
      name: 'Ann',
      variables: { plan: 'pro' },
    });
    expect(started.statusCode).toBe(200);
    const start = started.json<Turn>();
    expect(texts(start)).toEqual(['Hi!', 'Your e-mail?']);
    expect(start.user_id).toMatch(/\S+/);

    const invalid = await post(`/api/native/bot-chat/${key}/continue`, {
      user_id: start.user_id,
      text: 'not an address',
    });
    expect(invalid.statusCode).toBe(200);
    expect(invalid.json<Turn>()).toMatchObject({ conversation_id: start.conversation_id });
    expect(texts(invalid.json<Turn>())).toEqual(['That is not an e-mail. Your e-mail?']);

    const valid = await post(`/api/native/bot-chat/${key}/continue`, {
      user_id: start.user_id,
      content: { type: 'text', text: 'Ann@Example.com' },
    });
    const done = valid.json<Turn>();
    expect(texts(done)).toEqual(['Thanks ann@example.com']);
    expect(done.conversation_id).toBe(start.conversation_id);

    // One "Bot API" channel holds the chat; the start was a system message, not text.
    const db = t.runtime.database.db;
    const channels = await db
      .selectFrom('channels')
      .select(['id', 'type', 'provider'])
      .where('name', '=', 'Bot API')
      .execute();
    expect(channels).toEqual([{ id: channels[0]?.id, type: 'api', provider: 'bot_chat' }]);
    const inbound = await db
      .selectFrom('messages')
      .select('content')
      .where('direction', '=', 'inbound')
      .orderBy('id')
      .execute();
    expect(inbound.map((row): unknown => JSON.parse(row.content))).toEqual([
      { type: 'system', text: 'conversation started' },
      { type: 'text', text: 'not an address' },
      { type: 'text', text: 'Ann@Example.com' },
    ]);
    const contact = await db
      .selectFrom('contacts')
      .select(['name', 'variables'])
      .executeTakeFirstOrThrow();
    expect(contact.name).toBe('Ann');
    expect(JSON.parse(contact.variables)).toMatchObject({ plan: 'pro' });
  });

  it('keeps a caller-chosen user_id and reuses the channel for a second person', async () => {
    const key = await deploy('API');
    const first = await post(`/api/native/bot-chat/${key}/start`, { user_id: 'device-42' });
    expect(first.json<Turn>().user_id).toBe('device-42');
    const second = await post(`/api/native/bot-chat/${key}/start`, {});
    expect(second.json<Turn>().conversation_id).not.toBe(first.json<Turn>().conversation_id);
    expect(texts(second.json<Turn>())).toEqual(['Hi!', 'Your e-mail?']);
    const channels = await t.runtime.database.db
      .selectFrom('channels')
      .select('id')
      .where('name', '=', 'Bot API')
      .execute();
    expect(channels).toHaveLength(1);
  });

  it('answers 404 for an unknown key, a bot not published on API, or an unknown user', async () => {
    const unknown = await post('/api/native/bot-chat/0123456789abcdef0123456789abcdef/start', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'BOT_NOT_FOUND' } });

    const smsKey = await deploy('SMS');
    const sms = await post(`/api/native/bot-chat/${smsKey}/start`, {});
    expect(sms.json()).toMatchObject({ error: { code: 'BOT_NOT_FOUND' } });

    const key = await deploy('API');
    const stranger = await post(`/api/native/bot-chat/${key}/continue`, {
      user_id: 'nobody',
      text: 'hello',
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ error: { code: 'CONTACT_NOT_FOUND' } });

    const empty = await post(`/api/native/bot-chat/${key}/continue`, { user_id: 'nobody' });
    expect(empty.statusCode).toBe(400);
  });

  it('stops answering at once when its bot is deactivated or deleted (bots are kept in memory)', async () => {
    const admin = bearer(t.first.accountToken);
    const key = await deploy('API');
    const { id } = await t.runtime.database.db
      .selectFrom('bots')
      .select('id')
      .where('bot_key', '=', key)
      .executeTakeFirstOrThrow();
    const started = await post(`/api/native/bot-chat/${key}/start`, { user_id: 'ann' });
    expect(started.statusCode).toBe(200);
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/native/bots/${String(id)}`,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ active: false }),
    });
    expect(off.statusCode).toBe(200);
    const whileOff = await post(`/api/native/bot-chat/${key}/continue`, {
      user_id: 'ann',
      text: 'hello',
    });
    expect(whileOff.json()).toMatchObject({ error: { code: 'BOT_NOT_FOUND' } });

    const other = await deploy('API');
    expect((await post(`/api/native/bot-chat/${other}/start`, {})).statusCode).toBe(200);
    const { id: otherId } = await t.runtime.database.db
      .selectFrom('bots')
      .select('id')
      .where('bot_key', '=', other)
      .executeTakeFirstOrThrow();
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/native/bots/${String(otherId)}`,
      headers: admin,
    });
    expect(removed.statusCode).toBeLessThan(300);
    const afterDelete = await post(`/api/native/bot-chat/${other}/start`, {});
    expect(afterDelete.json()).toMatchObject({ error: { code: 'BOT_NOT_FOUND' } });
  });

  it('marks replies sent with the answer that carries them, without a send job; with a webhook_url they wait for theirs', async () => {
    const key = await deploy('API');
    const db = t.runtime.database.db;
    const replies = (conversationId: string) =>
      db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.status', 'messages.status_history'])
        .where('conversations.public_id', '=', conversationId)
        .where('messages.direction', '=', 'outbound')
        .orderBy('messages.id')
        .execute();
    const sendJobs = () =>
      db.selectFrom('jobs').select('id').where('name', '=', 'message.send').execute();

    // No worker runs: whatever is "sent" here was sent by the turn itself.
    const plain = (
      await post(`/api/native/bot-chat/${key}/start`, { user_id: 'plain' })
    ).json<Turn>();
    const sent = await replies(plain.conversation_id);
    expect(sent.map((reply) => reply.status)).toEqual(['sent', 'sent']);
    expect(sent.map((reply) => statusHistory.parse(JSON.parse(reply.status_history)))).toEqual([
      ['queued', 'sent'],
      ['queued', 'sent'],
    ]);
    expect(await sendJobs()).toEqual([]);
    const events = await db
      .selectFrom('account_events')
      .select('type')
      .where('type', '=', 'message.status_changed')
      .execute();
    expect(events).toHaveLength(2);

    const hooked = (
      await post(`/api/native/bot-chat/${key}/start`, {
        user_id: 'hooked',
        webhook_url: 'https://integrator.example/bot',
      })
    ).json<Turn>();
    expect((await replies(hooked.conversation_id)).map((reply) => reply.status)).toEqual([
      'queued',
      'queued',
    ]);
    expect(await sendJobs()).toHaveLength(2);
  });

  it('POSTs every bot message, later ones included, to the webhook_url, signed with the bot key', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const key = await deploy(
        'API',
        flow(
          [
            { id: 'start', type: 'start' },
            { id: 'hi', type: 'message', data: { text: 'Hi!' } },
            { id: 'wait', type: 'delay', data: { amount: 1, unit: 'seconds' } },
            { id: 'later', type: 'message', data: { text: 'Still there?' } },
          ],
          ['start->hi', 'hi->wait', 'wait->later'],
        ),
      );
      const started = await post(`/api/native/bot-chat/${key}/start`, {
        user_id: 'u-1',
        webhook_url: `${receiver.url}/bot`,
      });
      expect(texts(started.json<Turn>())).toEqual(['Hi!']);
      await t.runtime.startWorkers();
      await waitFor(() => receiver.delivered().length === 2, 10_000, 'two deliveries');
      const bodies = receiver.delivered().map((request) => {
        const timestamp = String(request.headers['x-parley-timestamp']);
        const signature = String(request.headers['x-parley-signature']);
        expect(verifyWebhookSignature(key, timestamp, request.body, signature)).toBe(true);
        const body: unknown = JSON.parse(request.body);
        return body;
      });
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).toMatchObject({
        user_id: 'u-1',
        message: { content: { type: 'text', text: 'Hi!' } },
      });
      expect(bodies[1]).toMatchObject({
        message: { content: { type: 'text', text: 'Still there?' } },
      });
      // The synchronous reply and its webhook delivery carry the same message id.
      expect(bodies[0]).toMatchObject({ message: { id: started.json<Turn>().messages[0]?.id } });
    } finally {
      await receiver.close();
    }
  });

  it('refuses a webhook_url that is not http(s)', async () => {
    const key = await deploy('API');
    const bad = await post(`/api/native/bot-chat/${key}/start`, { webhook_url: 'ftp://x.test/y' });
    expect(bad.statusCode).toBe(400);
  });
});
