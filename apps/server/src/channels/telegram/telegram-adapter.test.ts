import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../testing/fakes/telegram.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { channelContext } from '../registry.js';
import { ADA, SECRET_TOKEN, telegramHarness } from './telegram-test-harness.js';

type Harness = Awaited<ReturnType<typeof telegramHarness>>;

describe.each(DIALECTS)('Telegram channel on %s', (dialect) => {
  let fake: FakeTelegram;
  let h: Harness;
  beforeAll(async () => {
    fake = await FakeTelegram.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.calls.length = 0;
    fake.sent.length = 0;
    fake.failures.length = 0;
    fake.blocked.clear();
    fake.webhook = undefined;
    h = await telegramHarness(dialect, fake);
  });
  afterEach(async () => {
    await h.t.close();
  });

  /** A message to Ada from the bot's side, through the send job. */
  const send = async (channelId: number, content: MessageContent) => {
    const channel = await h.t.runtime.services.channels.get(h.t.first.account.id, channelId);
    const { message } = await h.t.runtime.services.conversations.start(h.t.first.account.id, {
      channel,
      contact: { externalId: String(ADA.id), name: 'Ada Lovelace' },
      content,
    });
    return message.public_id;
  };

  it('registers its webhook with the secret token and refuses bad setups', async () => {
    const telegram = await h.channel();
    expect(fake.webhook).toEqual({ url: telegram.webhookUrl, secretToken: SECRET_TOKEN });
    expect(fake.calls.find((call) => call.method === 'setWebhook')?.params).toEqual({
      url: telegram.webhookUrl,
      secret_token: SECRET_TOKEN,
      allowed_updates: ['message', 'callback_query'],
    });
    const register = (id: number) =>
      h.t.app.inject({
        method: 'POST',
        url: `/api/native/channels/${String(id)}/register-webhook`,
        headers: h.admin,
      });
    const badSecret = await h.channel({ secret_token: 'not allowed!' }, false);
    const invalid = await register(badSecret.id);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('BAD_REQUEST');
    expect(invalid.body).toMatch(/secret_token of 1 to 256/);
    const sandbox = await h.t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: h.admin,
      payload: { type: 'sms', provider: 'sandbox', name: 'SMS', phone_number: '+14155550100' },
    });
    const unsupported = await register(sandbox.json<{ id: number }>().id);
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.body).toContain('configured in its own console');
    const badToken = await h.channel({ bot_token: '123:wrong' }, false);
    const refused = await register(badToken.id);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Telegram refused the bot token');
    expect(refused.body).not.toContain('123:wrong');
  });

  it('accepts updates carrying the secret token and refuses others before storing', async () => {
    await h.channel();
    const update = fake.message(ADA, { text: 'hello' });
    expect((await fake.deliver(update, 'wrong-secret')).status).toBe(403);
    expect((await fake.deliver(update, '')).status).toBe(403);
    const jobs = () =>
      h.db.selectFrom('jobs').select('id').where('name', '=', 'channel.inbound').execute();
    expect(await jobs()).toEqual([]);
    expect((await fake.deliver(update)).status).toBe(200);
    expect(await jobs()).toHaveLength(1);
  });

  it('turns messages of every kind into canonical content, ignoring edits', async () => {
    await h.channel();
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 90, file_size: 1_000 },
      { file_id: 'large', file_unique_id: 'l', width: 800, height: 800, file_size: 50_000 },
    ];
    const updates = [
      fake.message(ADA, { text: '/start' }),
      fake.message(ADA, { photo, caption: 'my cat' }),
      fake.message(ADA, {
        document: {
          file_id: 'doc',
          file_unique_id: 'd',
          file_name: 'cv.pdf',
          mime_type: 'application/pdf',
          file_size: 9,
        },
      }),
      fake.message(ADA, {
        voice: { file_id: 'v', file_unique_id: 'v', duration: 3, mime_type: 'audio/ogg' },
      }),
      fake.message(ADA, { location: { latitude: 48.8584, longitude: 2.2945 } }),
      fake.message(ADA, {
        location: { latitude: 1, longitude: 2 },
        venue: { location: { latitude: 1, longitude: 2 }, title: 'Cafe', address: 'Main St 1' },
      }),
      fake.message(ADA, {
        contact: { phone_number: '+14155550123', first_name: 'Bob', user_id: 5 },
      }),
    ];
    for (const update of updates) expect((await fake.deliver(update)).status).toBe(200);
    const edit = {
      update_id: 1,
      edited_message: { message_id: 2, chat: { id: ADA.id }, date: 1, text: 'edited' },
    };
    expect((await fake.deliver(edit)).status).toBe(200);
    await h.t.runtime.startWorkers();
    await h.settled();
    // Concurrent inbound jobs may store them in any order: sort by Telegram's message id.
    const messageId = (row: { provider_message_id: string | null }) =>
      Number(row.provider_message_id?.split(':')[1]);
    const stored = (await h.messages()).sort((a, b) => messageId(a) - messageId(b));
    expect(stored.map((message) => message.content)).toEqual([
      { type: 'text', text: '/start' },
      {
        type: 'media',
        kind: 'image',
        media: { mediaId: 'large', mime: 'image/jpeg', size: 50_000 },
        caption: 'my cat',
      },
      {
        type: 'media',
        kind: 'document',
        media: { mediaId: 'doc', mime: 'application/pdf', size: 9, filename: 'cv.pdf' },
      },
      { type: 'media', kind: 'voice', media: { mediaId: 'v', mime: 'audio/ogg' } },
      { type: 'location', latitude: 48.8584, longitude: 2.2945 },
      { type: 'location', latitude: 1, longitude: 2, name: 'Cafe', address: 'Main St 1' },
      { type: 'contacts', contacts: [{ name: 'Bob', phones: ['+14155550123'], emails: [] }] },
    ]);
    const contact = await h.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    expect(contact.name).toBe('Ada Lovelace');
    const identity = await h.db
      .selectFrom('contact_identities')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(identity.external_id).toBe(String(ADA.id));
  });

  it('answers button taps in the webhook response and stores them as replies', async () => {
    const telegram = await h.channel();
    await h.t.runtime.startWorkers();
    const id = await send(telegram.id, {
      type: 'buttons',
      text: 'How can we help?',
      buttons: [
        { type: 'reply', id: 'sales', title: 'Sales' },
        { type: 'reply', id: 'support', title: 'Support' },
      ],
    });
    await h.waitForStatus(id, 'sent');
    const [menu] = fake.sent;
    if (menu === undefined) throw new Error('no menu');
    const tap = fake.tap(ADA, menu, 'support');
    const answer = await fake.deliver(tap);
    expect(answer.contentType).toContain('application/json');
    const query = z.object({ callback_query: z.object({ id: z.string() }) }).parse(tap);
    expect(fake.calls.at(-1)).toEqual({
      method: 'answerCallbackQuery',
      params: { callback_query_id: query.callback_query.id },
    });
    // Telegram redelivers when unsure: the same tap is one reply.
    await fake.deliver(tap);
    await h.settled();
    const replies = (await h.messages()).filter((message) => message.direction === 'inbound');
    expect(replies.map((message) => message.content)).toEqual([
      { type: 'reply', replyTo: 'support', title: 'Support' },
    ]);
    expect((await h.message(id)).provider_message_id).toBe(
      `${String(ADA.id)}:${String(menu.message_id)}`,
    );
  });

  it('stores one message for concurrent duplicate deliveries', async () => {
    await h.channel();
    await h.t.runtime.startWorkers();
    const update = fake.message(ADA, { text: 'once' });
    const answers = await Promise.all([
      fake.deliver(update),
      fake.deliver(update),
      fake.deliver(update),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await h.settled();
    expect(await h.messages()).toHaveLength(1);
  });

  it('sends a carousel as one message per card, accepted by the Bot API', async () => {
    const telegram = await h.channel();
    await h.t.runtime.startWorkers();
    const id = await send(telegram.id, {
      type: 'carousel',
      cards: [
        {
          title: 'Red',
          imageUrl: 'https://cdn.example/red.png',
          buttons: [{ type: 'reply', id: 'r'.repeat(80), title: 'Buy red' }],
        },
        {
          title: 'Blue',
          buttons: [{ type: 'url', title: 'See', url: 'https://acme.example/blue' }],
        },
      ],
    });
    await h.waitForStatus(id, 'sent');
    expect(fake.sent.map((message) => [message.chat.id, message.caption ?? message.text])).toEqual([
      [ADA.id, 'Red'],
      [ADA.id, 'Blue'],
    ]);
    expect(
      fake.calls.filter((call) => call.method.startsWith('send')).map((call) => call.method),
    ).toEqual(['sendPhoto', 'sendMessage']);
  });

  it('retries flood control and outages, fails blocked bots and bad requests at once', async () => {
    const telegram = await h.channel();
    await h.t.runtime.startWorkers();
    fake.failures.push(
      { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 },
      { status: 502, description: 'Bad Gateway' },
    );
    const retried = await send(telegram.id, { type: 'text', text: 'eventually' });
    await h.waitForStatus(retried, 'sent');
    expect(fake.sent.map((message) => message.text)).toEqual(['eventually']);

    fake.blocked.add(ADA.id);
    const blocked = await send(telegram.id, { type: 'text', text: 'blocked' });
    await h.waitForStatus(blocked, 'failed');
    expect((await h.message(blocked)).failure_reason).toBe(
      'Telegram refused: Forbidden: bot was blocked by the user',
    );
    fake.blocked.clear();

    // A retry would succeed: "failed" proves a 400 is not retried.
    fake.failures.push({ status: 400, description: 'Bad Request: chat not found' });
    const missing = await send(telegram.id, { type: 'text', text: 'lost' });
    await h.waitForStatus(missing, 'failed');
    expect((await h.message(missing)).failure_reason).toContain('chat not found');

    const template = await send(telegram.id, {
      type: 'template',
      name: 'order_update',
      language: 'en',
      parameters: { header: [], body: [], buttons: {} },
    });
    await h.waitForStatus(template, 'failed');
    expect((await h.message(template)).failure_reason).toMatch(/no message templates/);
    expect(fake.sent).toHaveLength(1);
  });

  it('downloads media by file_id through getFile', async () => {
    const telegram = await h.channel();
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
    const fileId = fake.addFile(bytes, 'photos/file_7.jpg');
    const channel = await h.t.runtime.services.channels.get(h.t.first.account.id, telegram.id);
    const context = channelContext(channel, (row) => h.t.runtime.services.channels.secretsOf(row));
    const adapter = h.t.runtime.adapters.get('telegram');
    expect(await adapter?.fetchMedia?.(context, fileId)).toEqual({
      bytes,
      mime: 'image/jpeg',
      filename: 'file_7.jpg',
    });
    await expect(adapter?.fetchMedia?.(context, 'unknown')).rejects.toThrow(/invalid file_id/);
  });
});
