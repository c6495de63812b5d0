import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageContent } from '@parley/protocol';
import { ChannelSendError, type OutboundMessage } from '../../core/channels/channel-sender.js';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import { FakeWhatsAppCloud } from '../../testing/fakes/whatsapp-cloud.js';
import { PHONE_NUMBER_ID, WABA_ID } from '../../testing/fakes/whatsapp-webhooks.js';
import type { ChannelContext } from '../adapter.js';
import { AdapterSender } from '../registry.js';
import { TokenBuckets } from '../token-bucket.js';
import { OUTSIDE_WINDOW_REASON } from '../whatsapp/errors.js';
import { WhatsAppCloudAdapter } from './adapter.js';

const http = new GuardedHttpClient({ allowPrivateNetworks: true });
const SECRETS = {
  access_token: 'test-access-token',
  app_secret: 'app-secret',
  verify_token: 'vt-123',
};

function channelRow(overrides: Partial<ChannelRow> = {}): ChannelRow {
  return {
    id: 1,
    account_id: 1,
    type: 'whatsapp',
    provider: 'whatsapp_cloud',
    name: 'WhatsApp',
    enabled: 1,
    phone_number: '+15550001111',
    external_id: PHONE_NUMBER_ID,
    public_key: '0123456789abcdef0123456789abcdef',
    config: JSON.stringify({ waba_id: WABA_ID }),
    secrets: null,
    created_at: 0,
    updated_at: 0,
    ...overrides,
  };
}

const context = (
  secrets: Record<string, string> = SECRETS,
  row = channelRow(),
): ChannelContext => ({
  channel: row,
  secrets,
  config: { waba_id: WABA_ID },
});

let counter = 0;
function outbound(content: MessageContent, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  counter += 1;
  return {
    id: `msg${String(counter)}`,
    conversationId: 'conv1',
    content,
    recipient: { externalId: '4915112345678', phone: '+4915112345678', email: null, name: 'Ada' },
    lastInboundAt: Date.now() - 60_000,
    ...extra,
  };
}

async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ChannelSendError))
    throw new Error(`expected a ChannelSendError, got ${String(error)}`);
  return error;
}

describe('WhatsApp Cloud adapter', () => {
  let fake: FakeWhatsAppCloud;
  let adapter: WhatsAppCloudAdapter;
  beforeAll(async () => {
    fake = await FakeWhatsAppCloud.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.sends.length = 0;
    fake.failures.length = 0;
    adapter = new WhatsAppCloudAdapter({ http, baseUrl: fake.url });
  });

  it('sends to /{phone-number-id}/messages with the bearer token and returns the wamid', async () => {
    const result = await adapter.send(context(), outbound({ type: 'text', text: 'Hello' }));
    expect(fake.sends).toHaveLength(1);
    const [send] = fake.sends;
    expect(result.providerMessageId).toBe(send?.wamid);
    expect(send?.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(send?.payload).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '4915112345678',
      type: 'text',
      text: { body: 'Hello', preview_url: false },
    });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer test-access-token');
  });

  it('maps Graph errors: 5xx, throttling and transient codes retryable; the rest permanent', async () => {
    const cases = [
      { failure: { status: 500, code: 1, message: 'An unknown error occurred' }, retryable: true },
      {
        failure: { status: 503, code: 2, message: 'Service temporarily unavailable' },
        retryable: true,
      },
      { failure: { status: 429, code: 130429, message: 'Rate limit hit' }, retryable: true },
      { failure: { status: 400, code: 131056, message: 'Pair rate limit hit' }, retryable: true },
      { failure: { status: 400, code: 4, message: 'Too many calls' }, retryable: true },
      { failure: { status: 400, code: 80007, message: 'Rate limit issues' }, retryable: true },
      { failure: { status: 400, code: 131048, message: 'Spam rate limit hit' }, retryable: true },
      {
        failure: { status: 400, code: 131026, message: 'Message undeliverable' },
        retryable: false,
      },
      {
        failure: {
          status: 400,
          code: 132001,
          message: 'Template name does not exist in the translation',
        },
        retryable: false,
      },
      { failure: { status: 400, code: 100, message: 'Invalid parameter' }, retryable: false },
      {
        failure: { status: 401, code: 190, message: 'Invalid OAuth access token' },
        retryable: false,
      },
    ];
    for (const { failure, retryable } of cases) {
      fake.failures.push({ ...failure, details: 'details here' });
      const error = await sendError(adapter.send(context(), outbound({ type: 'text', text: 'x' })));
      expect(error.retryable, `code ${String(failure.code)}`).toBe(retryable);
      expect(error.message).toBe(
        `WhatsApp error ${String(failure.code)}: ${failure.message} (details here)`,
      );
    }
    fake.failures.push({ status: 400, code: 131047, message: 'Re-engagement message' });
    const window = await sendError(adapter.send(context(), outbound({ type: 'text', text: 'x' })));
    expect(window).toMatchObject({ retryable: false, message: OUTSIDE_WINDOW_REASON });
  });

  it('fails permanently without credentials or a phone number id', async () => {
    const noToken = await sendError(
      adapter.send(context({ app_secret: 'x' }), outbound({ type: 'text', text: 'x' })),
    );
    expect(noToken.retryable).toBe(false);
    expect(noToken.message).toContain('access_token');
    const noId = await sendError(
      adapter.send(
        context(SECRETS, channelRow({ external_id: null })),
        outbound({ type: 'text', text: 'x' }),
      ),
    );
    expect(noId.retryable).toBe(false);
    expect(noId.message).toContain('external_id');
  });

  it('a carousel resumes after a retryable failure half-way without sending card 1 again', async () => {
    const carousel = outbound({
      type: 'carousel',
      cards: [
        { title: 'One', buttons: [] },
        { title: 'Two', buttons: [] },
        { title: 'Three', buttons: [] },
      ],
    });
    // Card 1 goes out, card 2 meets an outage.
    fake.failures.push(null, { status: 503, code: 2, message: 'Service temporarily unavailable' });
    const first = await sendError(adapter.send(context(), carousel));
    expect(first.retryable).toBe(true);
    const result = await adapter.send(context(), carousel);
    expect(fake.payloads().map((payload) => payload.text)).toEqual([
      { body: 'One', preview_url: false },
      { body: 'Two', preview_url: false },
      { body: 'Three', preview_url: false },
    ]);
    expect(result.providerMessageId).toBe(fake.sends[2]?.wamid);
  });

  it('downloads media by id: metadata URL, then the bytes with the bearer token', async () => {
    fake.media.set('MEDIA1', { bytes: Buffer.from('jpeg bytes'), mime: 'image/jpeg' });
    const media = await adapter.fetchMedia(context(), 'MEDIA1');
    expect(media.bytes.toString()).toBe('jpeg bytes');
    expect(media.mime).toBe('image/jpeg');
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/v21.0/MEDIA1',
      '/whatsapp_business/attachments/?mid=MEDIA1&ext=1',
    ]);
    expect(fake.requests.every((r) => r.headers.authorization === 'Bearer test-access-token')).toBe(
      true,
    );
    await expect(adapter.fetchMedia(context(), 'NOPE')).rejects.toThrow(/HTTP 400/);
  });

  it('lists the business account’s templates with their review state', async () => {
    fake.templates = [
      {
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'Hi {{1}}' }],
        id: '1',
      },
      { name: 'promo', language: 'de', category: 'MARKETING', status: 'PENDING', id: '2' },
      { name: 'old', language: 'en', category: 'MARKETING', status: 'PAUSED', id: '3' },
    ];
    const templates = await adapter.listTemplates(context());
    expect(templates).toEqual([
      {
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'approved',
        components: [{ type: 'BODY', text: 'Hi {{1}}' }],
      },
      { name: 'promo', language: 'de', category: 'MARKETING', status: 'pending', components: [] },
      { name: 'old', language: 'en', category: 'MARKETING', status: 'rejected', components: [] },
    ]);
    expect(fake.requests[0]?.path).toMatch(
      new RegExp(`^/v21.0/${WABA_ID}/message_templates\\?fields=`),
    );
  });

  it('spreads a burst at the channel’s sends per second (token bucket)', async () => {
    const slow = new WhatsAppCloudAdapter({ http, baseUrl: fake.url, sendsPerSecond: 5 });
    const sender = new AdapterSender(slow, () => SECRETS, new TokenBuckets());
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sender.send(channelRow(), outbound({ type: 'text', text: `burst ${String(i)}` })),
      ),
    );
    const offsets = fake.sends.map((send) => send.at - started).sort((a, b) => a - b);
    expect(offsets).toHaveLength(10);
    // A full bucket lets 5 through at once; the other 5 follow at 5 per second.
    expect(offsets[4]).toBeLessThan(600);
    expect(offsets[5]).toBeGreaterThanOrEqual(150);
    expect(offsets[9]).toBeGreaterThanOrEqual(900);
  });

  it('takes the channel’s own config.sends_per_second over the provider default', async () => {
    const adapter = new WhatsAppCloudAdapter({ http, baseUrl: fake.url, sendsPerSecond: 2 });
    const sender = new AdapterSender(adapter, () => SECRETS, new TokenBuckets());
    const granted = channelRow({
      config: JSON.stringify({ waba_id: WABA_ID, sends_per_second: 20 }),
    });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sender.send(granted, outbound({ type: 'text', text: `fast ${String(i)}` })),
      ),
    );
    // At the default 2 per second, 20 sends would take 9 s; the channel's 20 allow them at once.
    expect(fake.sends).toHaveLength(20);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
