import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagingItem, messagingWebhook, metaSignature } from '../../testing/fakes/messenger.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { IG_ID, messengerHarness, PAGE_ID } from './messenger-harness.js';

describe.each(DIALECTS)('Messenger and Instagram webhooks on %s', (dialect) => {
  let h: Awaited<ReturnType<typeof messengerHarness>>;
  beforeEach(async () => {
    h = await messengerHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers the verification handshake and refuses unsigned or wrongly signed webhooks', async () => {
    const verify = (token: string) =>
      h.t.app.inject({
        method: 'GET',
        url: `/webhooks/channels/${h.messenger.public_key}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
      });
    const ok = await verify('my-verify-token');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect((await verify('wrong')).statusCode).toBe(403);

    const forged = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_forged', text: 'forged' } }),
    ]);
    expect((await h.post(h.messenger.public_key, forged, null)).statusCode).toBe(401);
    const wrong = metaSignature('not-the-app-secret', forged);
    expect((await h.post(h.messenger.public_key, forged, wrong)).statusCode).toBe(401);

    const genuine = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_real', text: 'real' } }),
    ]);
    const accepted = await h.post(h.messenger.public_key, genuine);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toBe('EVENT_RECEIVED');
    await waitFor(async () => (await h.messages(h.messenger.id)).length > 0, 5_000, 'the message');
    const stored = await h.messages(h.messenger.id);
    expect(stored.map((message) => message.provider_message_id)).toEqual(['m_real']);
  });

  it('stores text, media, quick replies and postbacks in one conversation, each message once', async () => {
    const body = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_1', text: 'Hi there' } }),
      messagingItem('psid-1', PAGE_ID, {
        message: {
          mid: 'm_2',
          attachments: [{ type: 'image', payload: { url: `${h.graph.url}/media/cat.jpg` } }],
        },
      }),
      messagingItem('psid-1', PAGE_ID, {
        message: { mid: 'm_3', text: 'Red', quick_reply: { payload: 'COLOR_RED' } },
      }),
      messagingItem('psid-1', PAGE_ID, {
        postback: { mid: 'm_4', title: 'Get Started', payload: 'GET_STARTED' },
      }),
    ]);
    // Meta redelivers until it gets a 200: three identical deliveries at once, and the
    // first message again inside another batch.
    const responses = await Promise.all([1, 2, 3].map(() => h.post(h.messenger.public_key, body)));
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    const again = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_1', text: 'Hi there' } }),
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_5', text: 'Still there?' } }),
    ]);
    expect((await h.post(h.messenger.public_key, again)).statusCode).toBe(200);
    await waitFor(async () => (await h.messages(h.messenger.id)).length >= 5, 5_000, 'five');

    // Jobs of different webhooks may interleave: compare by provider id.
    const stored = await h.messages(h.messenger.id);
    const byId = new Map(stored.map((message) => [message.provider_message_id, message.content]));
    expect(stored).toHaveLength(5);
    expect(Object.fromEntries(byId)).toEqual({
      m_1: { type: 'text', text: 'Hi there' },
      m_2: { type: 'media', kind: 'image', media: { url: `${h.graph.url}/media/cat.jpg` } },
      m_3: { type: 'reply', replyTo: 'COLOR_RED', title: 'Red' },
      m_4: { type: 'reply', replyTo: 'GET_STARTED', title: 'Get Started' },
      m_5: { type: 'text', text: 'Still there?' },
    });
    expect(new Set(stored.map((message) => message.conversation_id)).size).toBe(1);
    const identity = await h.t.runtime.database.db
      .selectFrom('contact_identities')
      .select('external_id')
      .where('channel_id', '=', h.messenger.id)
      .execute();
    expect(identity).toEqual([{ external_id: 'psid-1' }]);
  });

  it('downloads an attachment by its URL through the guarded client', async () => {
    h.graph.media.set('cat.jpg', { mime: 'image/jpeg', bytes: Buffer.from('jpeg-bytes') });
    const adapter = h.t.runtime.adapters.get('messenger');
    const channel = await h.t.runtime.services.channels.get(h.t.first.account.id, h.messenger.id);
    const context = { channel, secrets: {}, config: {} };
    const media = await adapter?.fetchMedia?.(context, `${h.graph.url}/media/cat.jpg`);
    expect(media).toEqual({
      bytes: Buffer.from('jpeg-bytes'),
      mime: 'image/jpeg',
      filename: 'cat.jpg',
    });
    await expect(
      adapter?.fetchMedia?.(context, `${h.graph.url}/media/missing.jpg`),
    ).rejects.toThrow(/404/);
    await expect(adapter?.fetchMedia?.(context, 'file:///etc/passwd')).rejects.toThrow();
  });

  it('takes Instagram webhooks only on the Instagram channel, for its own account id', async () => {
    const item = messagingItem('igsid-9', IG_ID, { message: { mid: 'aWdfZAG', text: 'from IG' } });
    const ig = messagingWebhook(IG_ID, [item], 'instagram');
    expect((await h.post(h.instagram.public_key, ig)).statusCode).toBe(200);
    // The same body sent to the Messenger channel is not a page webhook: nothing comes of it.
    expect((await h.post(h.messenger.public_key, ig)).statusCode).toBe(200);
    // An entry for another Instagram account is not this channel's.
    const other = messagingWebhook('17841499999999999', [item], 'instagram');
    expect((await h.post(h.instagram.public_key, other)).statusCode).toBe(200);
    await waitFor(async () => (await h.messages(h.instagram.id)).length > 0, 5_000, 'IG message');
    // Let every job finish before asserting nothing else arrived.
    await waitFor(
      async () =>
        (
          await h.t.runtime.database.db
            .selectFrom('jobs')
            .select('id')
            .where('status', 'in', ['queued', 'running'])
            .execute()
        ).length === 0,
      5_000,
      'idle queue',
    );
    expect((await h.messages(h.instagram.id)).map((m) => m.content)).toEqual([
      { type: 'text', text: 'from IG' },
    ]);
    expect(await h.messages(h.messenger.id)).toEqual([]);
  });
});
