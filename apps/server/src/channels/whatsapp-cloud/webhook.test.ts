import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonReply,
  cloudEnvelope,
  image,
  inboundMessage,
  listReply,
  statusUpdate,
  text,
  WABA_ID,
  wamid,
} from '../../testing/fakes/whatsapp-webhooks.js';
import { refuseMessagesSaying } from '../../testing/refused-text.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { CLOUD_SECRETS, cloudHarness, type CloudHarness } from './cloud-harness.js';

const ADA = '4915112345678';

describe.each(DIALECTS)('WhatsApp Cloud webhooks on %s', (dialect) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  it('prints the webhook URL and verify token, and answers the handshake only with that token', async () => {
    expect(h.webhookUrl).toMatch(/^http:\/\/parley\.test\/webhooks\/channels\/[0-9a-f]{32}$/);
    expect(h.verifyToken).toBe(CLOUD_SECRETS.verify_token);
    const handshake = (token: string) =>
      h.t.app.inject({
        method: 'GET',
        url: `${h.webhookPath}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
      });
    const ok = await handshake('my-verify-token');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const refused = await handshake('guess');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('1158201444');
    expect(await h.inboundJobs()).toBe(0);
  });

  it('sees a disabled channel and a new app secret at once (channels are kept in memory)', async () => {
    await h.t.runtime.startWorkers();
    const hello = inboundMessage(ADA, text('hello'));
    expect((await h.deliver(hello)).statusCode).toBe(200);
    const patch = (payload: Record<string, unknown>) =>
      h.t.app.inject({
        method: 'PATCH',
        url: `/api/native/channels/${String(h.channelId)}`,
        headers: h.admin,
        payload,
      });
    expect((await patch({ secrets: { ...CLOUD_SECRETS, app_secret: 'rotated' } })).statusCode).toBe(
      200,
    );
    const rotated = inboundMessage(ADA, text('again'));
    expect((await h.deliver(rotated)).statusCode).toBe(401);
    expect((await h.deliver(rotated, 'rotated')).statusCode).toBe(200);
    const inbound = async () =>
      (await h.messages()).filter((message) => message.direction === 'inbound').length;
    await waitFor(async () => (await inbound()) === 2, 10_000, 'both accepted messages');
    expect((await patch({ enabled: false })).statusCode).toBe(200);
    const off = await h.deliver(inboundMessage(ADA, text('anyone?')), 'rotated');
    expect(off.statusCode).toBe(404);
    expect(await inbound()).toBe(2);
  });

  it('keeps a send rate the number was granted, and refuses one outside 1 to 1,000', async () => {
    const patch = (sendsPerSecond: unknown) =>
      h.t.app.inject({
        method: 'PATCH',
        url: `/api/native/channels/${String(h.channelId)}`,
        headers: h.admin,
        payload: { config: { waba_id: WABA_ID, sends_per_second: sendsPerSecond } },
      });
    for (const bad of [0, 1001, 2.5, '80']) {
      const refused = await patch(bad);
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(
        'config.sends_per_second must be a whole number from 1 to 1000',
      );
    }
    const accepted = await patch(1000);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json<{ config: Record<string, unknown> }>().config).toEqual({
      waba_id: WABA_ID,
      sends_per_second: 1000,
    });
  });

  it('refuses a bad or missing signature and stores nothing; a good one is stored as a job', async () => {
    const payload = inboundMessage(ADA, text('Hello'));
    expect((await h.deliver(payload, 'not-the-app-secret')).statusCode).toBe(401);
    const unsigned = await h.t.app.inject({
      method: 'POST',
      url: h.webhookPath,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await h.inboundJobs()).toBe(0);

    const accepted = await h.deliver(payload);
    expect(accepted.statusCode).toBe(200);
    expect(await h.inboundJobs()).toBe(1);
    // Not processed yet (no workers): acknowledged before any bot or conversation work.
    expect(await h.messages()).toEqual([]);
  });

  it('turns text, media, button and list replies into messages of one conversation', async () => {
    await h.t.runtime.startWorkers();
    await h.deliver(inboundMessage(ADA, text('Hello'), { name: 'Ada' }));
    await h.deliver(inboundMessage(ADA, image('MEDIA-1', 'My receipt')));
    await h.deliver(inboundMessage(ADA, buttonReply('pricing', 'Pricing')));
    await h.deliver(inboundMessage(ADA, listReply('row-2', 'Tea')));
    await waitFor(async () => (await h.messages()).length === 4, 10_000, 'four messages');
    const messages = await h.messages();
    expect(messages.every((message) => message.direction === 'inbound')).toBe(true);
    expect(messages.map((message) => message.content)).toEqual(
      expect.arrayContaining([
        { type: 'text', text: 'Hello' },
        {
          type: 'media',
          kind: 'image',
          media: { mediaId: 'MEDIA-1', mime: 'image/jpeg' },
          caption: 'My receipt',
        },
        { type: 'reply', replyTo: 'pricing', title: 'Pricing' },
        { type: 'reply', replyTo: 'row-2', title: 'Tea' },
      ]),
    );
    const contacts = await h.db.selectFrom('contacts').select(['name', 'phone']).execute();
    expect(contacts).toEqual([{ name: 'Ada', phone: `+${ADA}` }]);
    const conversations = await h.db.selectFrom('conversations').select('id').execute();
    expect(conversations).toHaveLength(1);
  });

  // PostgreSQL's text cannot hold NUL, SQLite's can: the inbound path must keep such a
  // message on both, not fail its job over and over.
  it('keeps a message whose text and sender name hold NUL characters, as replacement characters', async () => {
    await h.t.runtime.startWorkers();
    await h.deliver(inboundMessage(ADA, text('Hel\u0000lo'), { name: 'A\u0000da' }));
    await waitFor(async () => (await h.messages()).length === 1, 10_000, 'the message');
    const [message] = await h.messages();
    expect(message?.content).toEqual({ type: 'text', text: 'Hel\uFFFDlo' });
    const contacts = await h.db.selectFrom('contacts').select('name').execute();
    expect(contacts).toEqual([{ name: 'A\uFFFDda' }]);
  });

  // A fault the database raises (injected as a trigger) while a webhook's second message
  // is stored: on PostgreSQL it used to poison the transaction, so the webhook could be
  // neither applied nor set aside, and the channel's later webhooks waited behind it forever.
  it('sets a webhook the database refuses aside whole, and goes on with the next', async () => {
    await refuseMessagesSaying(h.db, h.t.database.dialect, 'boom');
    await h.t.runtime.startWorkers();
    const both = cloudEnvelope({
      contacts: [{ profile: { name: 'Ada' }, wa_id: ADA }],
      messages: [
        { from: ADA, id: wamid(), timestamp: '1700000000', ...text('first') },
        { from: ADA, id: wamid(), timestamp: '1700000001', ...text('boom') },
      ],
    });
    expect((await h.deliver(both)).statusCode).toBe(200);
    expect((await h.deliver(inboundMessage(ADA, text('after')))).statusCode).toBe(200);
    await waitFor(async () => (await h.messages()).length > 0, 10_000, 'the next webhook');
    expect((await h.messages()).map((message) => message.content)).toEqual([
      { type: 'text', text: 'after' },
    ]);
    const inbox = await h.db
      .selectFrom('channel_inbox')
      .select(['processed_at', 'error'])
      .orderBy('id')
      .execute();
    expect(inbox).toHaveLength(2);
    expect(inbox[0]?.error).toContain('refused');
    expect(inbox[1]).toMatchObject({ error: null });
    expect(inbox.every((row) => row.processed_at !== null)).toBe(true);
  });

  it('three identical deliveries at once, and the same message in another body, make one message', async () => {
    const id = wamid();
    const payload = inboundMessage(ADA, text('Only once'), { id });
    const answers = await Promise.all([h.deliver(payload), h.deliver(payload), h.deliver(payload)]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
    expect(await h.inboundJobs()).toBe(1);
    // Meta batching the same message with something else: another body, the same wamid.
    const batched = inboundMessage(ADA, text('Only once'), { id });
    await h.deliver({
      ...batched,
      entry: [...batched.entry, ...cloudEnvelope({ statuses: [] }).entry],
    });
    // Another body: stored too (its job is the first one on SQLite, one of its own elsewhere).
    const stored = await h.db.selectFrom('channel_inbox').select('id').execute();
    expect(stored).toHaveLength(2);
    await h.t.runtime.startWorkers();
    await waitFor(
      async () =>
        (
          await h.db
            .selectFrom('jobs')
            .select('status')
            .where('name', '=', 'channel.inbound')
            .execute()
        ).every((job) => job.status === 'completed'),
      10_000,
      'the inbound jobs',
    );
    expect((await h.messages()).map((message) => message.provider_message_id)).toEqual([id]);
  });

  it('applies delivery statuses to the message Parley sent: delivered, read; failed with the reason', async () => {
    await h.t.runtime.startWorkers();
    await h.deliver(inboundMessage(ADA, text('Hi')));
    await waitFor(async () => (await h.messages()).length === 1, 10_000, 'the inbound message');
    const conversationId = await h.conversationId();
    const send = async (body: string) => {
      await h.t.runtime.services.conversations.sendAgentMessage(
        h.t.first.account.id,
        conversationId,
        {
          content: { type: 'text', text: body },
          userId: h.t.first.admin.id,
        },
      );
    };
    await send('First answer');
    await send('Second answer');
    await waitFor(() => h.fake.sends.length === 2, 10_000, 'two sends');
    const [first, second] = h.fake.sends;
    await waitFor(
      async () => (await h.messages()).filter((message) => message.status === 'sent').length === 2,
      10_000,
      'both sent',
    );
    await h.deliver(statusUpdate(first?.wamid ?? '', 'delivered', ADA));
    await h.deliver(statusUpdate(first?.wamid ?? '', 'read', ADA));
    await h.deliver(
      statusUpdate(second?.wamid ?? '', 'failed', ADA, {
        code: 131026,
        title: 'Message undeliverable',
        details: 'Receiver is incapable of receiving this message',
      }),
    );
    await waitFor(
      async () =>
        (await h.messages()).filter(
          (message) => message.direction === 'outbound' && message.status !== 'sent',
        ).length === 2,
      10_000,
      'statuses applied',
    );
    const outbound = (await h.messages()).filter((message) => message.direction === 'outbound');
    expect(outbound.map(({ status, failure_reason }) => ({ status, failure_reason }))).toEqual([
      { status: 'read', failure_reason: null },
      {
        status: 'failed',
        failure_reason:
          'Message undeliverable (131026): Receiver is incapable of receiving this message',
      },
    ]);
  });
});
