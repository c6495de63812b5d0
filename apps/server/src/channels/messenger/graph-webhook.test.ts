import { describe, expect, it } from 'vitest';
import { messagingItem, messagingWebhook, metaSignature } from '../../testing/fakes/messenger.js';
import type { ChannelContext, ProviderRequest } from '../adapter.js';
import { inboundEventsOf } from './graph-inbound.js';
import { graphSendError } from './graph-send.js';
import { messagingEventsOf, verifyGraphWebhook } from './graph-webhook.js';
import { RecentSends } from './recent-sends.js';

const PAGE = '1122334455';
const SECRETS = { app_secret: 'app-secret', verify_token: 'verify-me', page_access_token: 't' };

const context = (secrets: Record<string, string> = SECRETS): ChannelContext => ({
  channel: {
    id: 7,
    account_id: 1,
    type: 'messenger',
    provider: 'messenger',
    name: 'Page',
    enabled: 1,
    phone_number: null,
    external_id: PAGE,
    public_key: 'k',
    config: '{}',
    secrets: null,
    created_at: 0,
    updated_at: 0,
  },
  secrets,
  config: {},
});

const request = (partial: Partial<ProviderRequest>): ProviderRequest => ({
  method: 'POST',
  url: 'http://parley.test/webhooks/channels/k',
  headers: {},
  query: {},
  body: Buffer.alloc(0),
  ...partial,
});

const parse = (body: string, object: 'page' | 'instagram' = 'page', sends = new RecentSends()) =>
  inboundEventsOf(messagingEventsOf(Buffer.from(body), object, PAGE), {
    channelId: 7,
    recentSends: sends,
  });

describe('Meta webhook verification', () => {
  it('answers the subscription handshake only with the right verify token', () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'verify-me',
      'hub.challenge': '42',
    };
    expect(verifyGraphWebhook(context(), request({ method: 'GET', query }))).toEqual({
      kind: 'challenge',
      status: 200,
      body: '42',
    });
    const wrong = { ...query, 'hub.verify_token': 'nope' };
    expect(verifyGraphWebhook(context(), request({ method: 'GET', query: wrong }))).toMatchObject({
      kind: 'reject',
      status: 403,
    });
    // A channel without a verify token accepts no handshake at all.
    const bare = context({ app_secret: 'app-secret' });
    expect(
      verifyGraphWebhook(
        bare,
        request({ method: 'GET', query: { ...query, 'hub.verify_token': '' } }),
      ),
    ).toMatchObject({ kind: 'reject' });
  });

  it('accepts a body signed with the app secret and refuses missing or wrong signatures', () => {
    const body = messagingWebhook(PAGE, []);
    const signed = (signature: string | undefined) =>
      verifyGraphWebhook(
        context(),
        request({
          body: Buffer.from(body),
          headers: signature === undefined ? {} : { 'x-hub-signature-256': signature },
        }),
      );
    expect(signed(metaSignature('app-secret', body))).toEqual({ kind: 'accept' });
    expect(signed(undefined)).toMatchObject({ kind: 'reject', status: 401 });
    expect(signed(metaSignature('other-secret', body))).toMatchObject({
      kind: 'reject',
      status: 401,
    });
    expect(signed('sha256=abc')).toMatchObject({ kind: 'reject', status: 401 });
    // Signed over different bytes (a re-serialised body) is a mismatch too.
    expect(signed(metaSignature('app-secret', `${body} `))).toMatchObject({ kind: 'reject' });
  });
});

describe('Meta webhook parsing', () => {
  it('reads text, quick replies, postbacks and attachments; skips echoes and other pages', () => {
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1,
          messaging: [
            messagingItem('psid-1', PAGE, { message: { mid: 'm_1', text: 'Hello' } }),
            messagingItem('psid-1', PAGE, {
              message: { mid: 'm_2', text: 'Red', quick_reply: { payload: 'COLOR_RED' } },
            }),
            messagingItem('psid-1', PAGE, {
              postback: { mid: 'm_3', title: 'Buy', payload: 'buy-shoe' },
            }),
            messagingItem('psid-1', PAGE, {
              message: {
                mid: 'm_4',
                attachments: [
                  { type: 'image', payload: { url: 'https://cdn.example/a.jpg' } },
                  { type: 'file', payload: { url: 'https://cdn.example/b.pdf' } },
                  {
                    type: 'image',
                    payload: { url: 'https://cdn.example/s.png', sticker_id: 369239263222822 },
                  },
                ],
              },
            }),
            messagingItem(PAGE, 'psid-1', { message: { mid: 'm_5', text: 'echo', is_echo: true } }),
            { malformed: true },
          ],
        },
        {
          id: 'another-page',
          time: 1,
          messaging: [
            messagingItem('psid-2', 'another-page', { message: { mid: 'm_x', text: 'not ours' } }),
          ],
        },
      ],
    });
    const events = parse(body);
    expect(events).toEqual([
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'text', text: 'Hello' },
        providerMessageId: 'm_1',
        replyToProviderId: null,
      },
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'reply', replyTo: 'COLOR_RED', title: 'Red' },
        providerMessageId: 'm_2',
        replyToProviderId: null,
      },
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'reply', replyTo: 'buy-shoe', title: 'Buy' },
        providerMessageId: 'm_3',
      },
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'media', kind: 'image', media: { url: 'https://cdn.example/a.jpg' } },
        providerMessageId: 'm_4',
        replyToProviderId: null,
      },
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'media', kind: 'document', media: { url: 'https://cdn.example/b.pdf' } },
        providerMessageId: 'm_4#2',
        replyToProviderId: null,
      },
      {
        kind: 'message',
        contact: { externalId: 'psid-1' },
        content: { type: 'media', kind: 'sticker', media: { url: 'https://cdn.example/s.png' } },
        providerMessageId: 'm_4#3',
        replyToProviderId: null,
      },
    ]);
    // The same body as an Instagram webhook is not a page webhook.
    expect(parse(body, 'instagram')).toEqual([]);
    expect(parse('not json')).toEqual([]);
  });

  it('maps deliveries by mid and reads by watermark over what this process sent', () => {
    const sends = new RecentSends();
    sends.record(7, 'psid-1', 'm_old', 1_000);
    sends.record(7, 'psid-1', 'm_new', 5_000);
    sends.record(7, 'psid-2', 'm_other', 1_000);
    const delivery = messagingWebhook(PAGE, [
      messagingItem('psid-1', PAGE, { delivery: { mids: ['m_old', 'm_new'], watermark: 5_000 } }),
    ]);
    expect(parse(delivery, 'page', sends)).toEqual([
      { kind: 'status', providerMessageId: 'm_old', status: 'delivered' },
      { kind: 'status', providerMessageId: 'm_new', status: 'delivered' },
    ]);
    const read = messagingWebhook(PAGE, [
      messagingItem('psid-1', PAGE, { read: { watermark: 2_000 } }),
    ]);
    expect(parse(read, 'page', sends)).toEqual([
      { kind: 'status', providerMessageId: 'm_old', status: 'read' },
    ]);
    // Read is final: the same watermark again resolves nothing more.
    expect(parse(read, 'page', sends)).toEqual([]);
    // Instagram names the message read.
    const igRead = messagingWebhook(
      PAGE,
      [messagingItem('igsid-1', PAGE, { read: { mid: 'aWdf' } })],
      'instagram',
    );
    expect(parse(igRead, 'instagram', sends)).toEqual([
      { kind: 'status', providerMessageId: 'aWdf', status: 'read' },
    ]);
  });
});

describe('Graph error classification', () => {
  const error = (status: number, code: number, subcode?: number) =>
    graphSendError(
      status,
      JSON.stringify({
        error: { message: 'x', type: 'OAuthException', code, error_subcode: subcode },
      }),
    );

  it('retries rate limits, temporary errors and 5xx; not invalid people, permissions or the window', () => {
    for (const code of [4, 17, 32, 613, 2, 1]) expect(error(400, code).retryable).toBe(true);
    expect(graphSendError(503, 'Service Unavailable').retryable).toBe(true);
    for (const code of [100, 10, 200, 551, 190]) expect(error(400, code).retryable).toBe(false);
    const window = error(400, 10, 2_018_278);
    expect(window.retryable).toBe(false);
    expect(window.message).toMatch(/24-hour window/);
    expect(error(400, 551).message).toMatch(/unavailable/);
  });
});
