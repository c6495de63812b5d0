import { describe, expect, it } from 'vitest';
import {
  buttonReply,
  cloudEnvelope,
  image,
  inboundMessage,
  listReply,
  PHONE_NUMBER_ID,
  statusUpdate,
  text,
} from '../../testing/fakes/whatsapp-webhooks.js';
import { parseWhatsAppWebhook, type WebhookRouting } from './inbound.js';

const cloud: WebhookRouting = { phoneNumberId: PHONE_NUMBER_ID, strict: true };
const parse = (payload: unknown, routing = cloud) =>
  parseWhatsAppWebhook(Buffer.from(JSON.stringify(payload)), routing);
const contentOf = (message: Record<string, unknown>) => {
  const [event] = parse(inboundMessage('4915112345678', message));
  return event?.kind === 'message' ? event.content : undefined;
};

describe('WhatsApp webhook parsing', () => {
  it('a text message: wa_id as external id, +wa_id as phone, the profile name, the wamid', () => {
    expect(
      parse(inboundMessage('4915112345678', text('Hello'), { id: 'wamid.A', name: 'Ada' })),
    ).toEqual([
      {
        kind: 'message',
        contact: { externalId: '4915112345678', name: 'Ada', phone: '+4915112345678' },
        content: { type: 'text', text: 'Hello' },
        providerMessageId: 'wamid.A',
        replyToProviderId: null,
      },
    ]);
  });

  it('media with its media id, voice notes, documents with file names', () => {
    expect(contentOf(image('MEDIA1', 'Look'))).toEqual({
      type: 'media',
      kind: 'image',
      media: { mediaId: 'MEDIA1', mime: 'image/jpeg' },
      caption: 'Look',
    });
    expect(
      contentOf({
        type: 'audio',
        audio: { id: 'A1', mime_type: 'audio/ogg; codecs=opus', voice: true },
      }),
    ).toEqual({
      type: 'media',
      kind: 'voice',
      media: { mediaId: 'A1', mime: 'audio/ogg; codecs=opus' },
    });
    expect(
      contentOf({
        type: 'document',
        document: { id: 'D1', mime_type: 'application/pdf', filename: 'cv.pdf' },
      }),
    ).toEqual({
      type: 'media',
      kind: 'document',
      media: { mediaId: 'D1', mime: 'application/pdf', filename: 'cv.pdf' },
    });
    expect(
      contentOf({ type: 'sticker', sticker: { id: 'S1', mime_type: 'image/webp' } }),
    ).toMatchObject({
      kind: 'sticker',
    });
  });

  it('locations and shared contacts', () => {
    expect(
      contentOf({
        type: 'location',
        location: { latitude: 38.9, longitude: -77.03, name: 'Office', address: '1 Main St' },
      }),
    ).toEqual({
      type: 'location',
      latitude: 38.9,
      longitude: -77.03,
      name: 'Office',
      address: '1 Main St',
    });
    expect(
      contentOf({
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Grace Hopper', first_name: 'Grace' },
            phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }],
            emails: [{ email: 'grace@navy.test', type: 'WORK' }],
          },
        ],
      }),
    ).toEqual({
      type: 'contacts',
      contacts: [{ name: 'Grace Hopper', phones: ['+1 555 0100'], emails: ['grace@navy.test'] }],
    });
  });

  it('button and list replies, template quick replies and Flow answers are replies', () => {
    expect(contentOf(buttonReply('pricing', 'Pricing'))).toEqual({
      type: 'reply',
      replyTo: 'pricing',
      title: 'Pricing',
    });
    expect(contentOf(listReply('row-2', 'Tea', 'Hot'))).toEqual({
      type: 'reply',
      replyTo: 'row-2',
      title: 'Tea',
    });
    expect(contentOf({ type: 'button', button: { text: 'Stop', payload: 'STOP_PROMO' } })).toEqual({
      type: 'reply',
      replyTo: 'STOP_PROMO',
      title: 'Stop',
    });
    expect(
      contentOf({
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: {
            name: 'flow',
            body: 'Sent',
            response_json: '{"flow_token":"m1","date":"2024-05-01","guests":2}',
          },
        },
      }),
    ).toEqual({
      type: 'reply',
      replyTo: 'm1',
      title: 'Sent',
      values: { flow_token: 'm1', date: '2024-05-01', guests: '2' },
    });
  });

  it('reactions, unsupported and system messages are skipped; orders become text', () => {
    expect(contentOf({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } })).toBe(
      undefined,
    );
    expect(contentOf({ type: 'unsupported', errors: [{ code: 131051 }] })).toBe(undefined);
    expect(
      contentOf({
        type: 'order',
        order: {
          catalog_id: 'c',
          text: 'Quick please',
          product_items: [
            { product_retailer_id: 'sku1', quantity: 2, item_price: 10, currency: 'EUR' },
          ],
        },
      }),
    ).toEqual({ type: 'text', text: 'Order: 2 × sku1\nQuick please' });
  });

  it('a reply to a message carries the quoted wamid', () => {
    const [event] = parse(
      inboundMessage('4915112345678', { ...text('Yes'), context: { from: '1', id: 'wamid.Q' } }),
    );
    expect(event).toMatchObject({ replyToProviderId: 'wamid.Q' });
  });

  it('statuses: sent, delivered, read; failed with the error as the reason; others skipped', () => {
    expect(parse(statusUpdate('wamid.S', 'delivered', '491511'))).toEqual([
      { kind: 'status', providerMessageId: 'wamid.S', status: 'delivered' },
    ]);
    expect(
      parse(
        statusUpdate('wamid.S', 'failed', '491511', {
          code: 131026,
          title: 'Message undeliverable',
          details: 'Receiver is incapable of receiving this message',
        }),
      ),
    ).toEqual([
      {
        kind: 'status',
        providerMessageId: 'wamid.S',
        status: 'failed',
        reason: 'Message undeliverable (131026): Receiver is incapable of receiving this message',
      },
    ]);
    expect(parse(cloudEnvelope({ statuses: [{ id: 'wamid.S', status: 'deleted' }] }))).toEqual([]);
  });

  it("a change for another phone number id is not this channel's", () => {
    const other = inboundMessage('4915112345678', text('Hi'), { phoneNumberId: '999' });
    expect(parse(other)).toEqual([]);
    expect(
      parse(inboundMessage('4915112345678', text('Hi')), { phoneNumberId: null, strict: true }),
    ).toEqual([]);
    // 360dialog: the key is per number, the id is compared only when both are known.
    expect(parse(other, { phoneNumberId: null, strict: false })).toHaveLength(1);
    expect(parse(other, { phoneNumberId: PHONE_NUMBER_ID, strict: false })).toEqual([]);
  });

  it('on-premise bodies (top-level contacts, messages, statuses) parse the same way', () => {
    const events = parse(
      {
        contacts: [{ profile: { name: 'Konrad' }, wa_id: '48123123123' }],
        messages: [
          {
            from: '48123123123',
            id: 'ABGG1',
            timestamp: '1612544982',
            type: 'text',
            text: { body: 'Hi' },
          },
          {
            from: '48123123123',
            id: 'ABGG2',
            timestamp: '1612544983',
            type: 'voice',
            voice: { id: 'v-1', mime_type: 'audio/ogg' },
          },
        ],
        statuses: [
          { id: 'gBGG3', status: 'read', timestamp: '1612544984', recipient_id: '48123123123' },
        ],
      },
      { phoneNumberId: null, strict: false },
    );
    expect(events).toEqual([
      {
        kind: 'message',
        contact: { externalId: '48123123123', name: 'Konrad', phone: '+48123123123' },
        content: { type: 'text', text: 'Hi' },
        providerMessageId: 'ABGG1',
        replyToProviderId: null,
      },
      expect.objectContaining({
        content: { type: 'media', kind: 'voice', media: { mediaId: 'v-1', mime: 'audio/ogg' } },
      }),
      { kind: 'status', providerMessageId: 'gBGG3', status: 'read' },
    ]);
  });

  it('garbage is no events, and one malformed message does not hide the others', () => {
    expect(parseWhatsAppWebhook(Buffer.from('not json'), cloud)).toEqual([]);
    const payload = cloudEnvelope({
      messages: [
        { id: 'broken' },
        { from: '4915', id: 'wamid.OK', type: 'text', text: { body: 'ok' } },
      ],
    });
    expect(
      parse(payload).map((event) => event.kind === 'message' && event.providerMessageId),
    ).toEqual(['wamid.OK']);
  });
});
