import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagingItem, messagingWebhook } from '../../testing/fakes/messenger.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { IG_ID, messengerHarness, PAGE_ID } from './messenger-harness.js';

describe.each(DIALECTS)('sending on Messenger and Instagram on %s', (dialect) => {
  let h: Awaited<ReturnType<typeof messengerHarness>>;
  beforeEach(async () => {
    h = await messengerHarness(dialect);
    // Every test answers someone who wrote first (the 24-hour window is open).
    const hello = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { message: { mid: 'm_hello', text: 'Hello' } }),
    ]);
    await h.post(h.messenger.public_key, hello);
    await waitFor(async () => (await h.messages(h.messenger.id)).length > 0, 5_000, 'hello');
  });
  afterEach(async () => {
    await h.close();
  });

  const settled = (id: number) =>
    waitFor(
      async () => !['queued'].includes((await h.statusOf(id)).status),
      5_000,
      'the send to settle',
    );

  it('sends through the Send API, then applies delivery (by mid) and read (by watermark)', async () => {
    const reply = await h.reply(h.messenger.id, {
      type: 'quick_replies',
      text: 'Pick a colour',
      replies: [
        { id: 'red', title: 'Red' },
        { id: 'blue', title: 'Blue' },
      ],
    });
    await settled(reply.id);
    expect(await h.statusOf(reply.id)).toMatchObject({
      status: 'sent',
      provider_message_id: 'm_fake1',
    });
    expect(h.graph.calls).toEqual([
      {
        path: '/v21.0/me/messages',
        accessToken: 'page-token',
        body: {
          recipient: { id: 'psid-1' },
          messaging_type: 'RESPONSE',
          message: {
            text: 'Pick a colour',
            quick_replies: [
              { content_type: 'text', title: 'Red', payload: 'red' },
              { content_type: 'text', title: 'Blue', payload: 'blue' },
            ],
          },
        },
      },
    ]);

    const delivered = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { delivery: { mids: ['m_fake1'], watermark: Date.now() } }),
    ]);
    await h.post(h.messenger.public_key, delivered);
    await waitFor(
      async () => (await h.statusOf(reply.id)).status === 'delivered',
      5_000,
      'delivered',
    );
    const read = messagingWebhook(PAGE_ID, [
      messagingItem('psid-1', PAGE_ID, { read: { watermark: Date.now() + 1_000 } }),
    ]);
    await h.post(h.messenger.public_key, read);
    await waitFor(async () => (await h.statusOf(reply.id)).status === 'read', 5_000, 'read');
  });

  it('renders a carousel as a generic template and media as an attachment by URL', async () => {
    const carousel = await h.reply(h.messenger.id, {
      type: 'carousel',
      cards: [{ title: 'Shoe', imageUrl: 'https://shop.example/shoe.png', buttons: [] }],
    });
    await settled(carousel.id);
    const media = await h.reply(h.messenger.id, {
      type: 'media',
      kind: 'image',
      media: { url: 'https://shop.example/shoe.png' },
    });
    await settled(media.id);
    expect(h.graph.messages).toEqual([
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [{ title: 'Shoe', image_url: 'https://shop.example/shoe.png' }],
          },
        },
      },
      {
        attachment: {
          type: 'image',
          payload: { url: 'https://shop.example/shoe.png', is_reusable: true },
        },
      },
    ]);
  });

  it('retries temporary Graph errors and rate limits, and fails permanently on the rest', async () => {
    h.graph.failures.push({ status: 500, code: 2, message: 'Service temporarily unavailable' });
    h.graph.failures.push({
      status: 400,
      code: 613,
      message: 'Calls to this api have exceeded the rate limit.',
    });
    const retried = await h.reply(h.messenger.id, { type: 'text', text: 'Eventually' });
    await settled(retried.id);
    expect(await h.statusOf(retried.id)).toMatchObject({
      status: 'sent',
      provider_message_id: 'm_fake1',
    });
    expect(h.graph.calls).toHaveLength(3);

    h.graph.failures.push({
      status: 400,
      code: 551,
      message: 'This person isn\u2019t available right now.',
    });
    const refused = await h.reply(h.messenger.id, { type: 'text', text: 'Hello?' });
    await settled(refused.id);
    const status = await h.statusOf(refused.id);
    expect(status.status).toBe('failed');
    expect(status.failure_reason).toMatch(/unavailable/);
    expect(h.graph.calls).toHaveLength(4);
  });

  it('fails a free-form message outside the 24-hour window without calling Meta', async () => {
    await h.t.runtime.database.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() - 25 * 3_600_000 })
      .where('channel_id', '=', h.messenger.id)
      .execute();
    const late = await h.reply(h.messenger.id, { type: 'text', text: 'Too late' });
    await settled(late.id);
    const status = await h.statusOf(late.id);
    expect(status.status).toBe('failed');
    expect(status.failure_reason).toMatch(/24-hour window/);
    expect(h.graph.calls).toHaveLength(0);
    // Meta's own refusal reads the same and is not retried either.
    await h.t.runtime.database.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() })
      .where('channel_id', '=', h.messenger.id)
      .execute();
    h.graph.failures.push({
      status: 400,
      code: 10,
      subcode: 2_018_278,
      message: 'outside of allowed window',
    });
    const refused = await h.reply(h.messenger.id, { type: 'text', text: 'Refused' });
    await settled(refused.id);
    expect((await h.statusOf(refused.id)).failure_reason).toMatch(/24-hour window/);
    expect(h.graph.calls).toHaveLength(1);
  });

  it('answers Instagram contacts through the same Send API, with the IGSID as recipient', async () => {
    const ig = messagingWebhook(
      IG_ID,
      [messagingItem('igsid-7', IG_ID, { message: { mid: 'aWdf1', text: 'Hi from IG' } })],
      'instagram',
    );
    await h.post(h.instagram.public_key, ig);
    await waitFor(async () => (await h.messages(h.instagram.id)).length > 0, 5_000, 'IG message');
    const reply = await h.reply(h.instagram.id, {
      type: 'buttons',
      text: 'How can we help?',
      buttons: [{ type: 'reply', id: 'order', title: 'My order' }],
    });
    await settled(reply.id);
    expect(await h.statusOf(reply.id)).toMatchObject({ status: 'sent' });
    expect(h.graph.calls[0]?.body).toMatchObject({
      recipient: { id: 'igsid-7' },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            buttons: [{ type: 'postback', title: 'My order', payload: 'order' }],
          },
        },
      },
    });
  });
});
