import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import { FakeWhatsAppCloud } from '../../testing/fakes/whatsapp-cloud.js';
import { inboundMessage, PHONE_NUMBER_ID, text } from '../../testing/fakes/whatsapp-webhooks.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import type { ChannelContext, ProviderRequest } from '../adapter.js';
import { D360Adapter } from './adapter.js';

const SECRETS = { api_key: 'test-d360-key', verify_token: 'd360-webhook-token' };
const row: ChannelRow = {
  id: 7,
  account_id: 1,
  type: 'whatsapp',
  provider: 'd360',
  name: '360dialog',
  enabled: 1,
  phone_number: '+15550001111',
  external_id: null,
  public_key: 'fedcba9876543210fedcba9876543210',
  config: '{}',
  secrets: null,
  created_at: 0,
  updated_at: 0,
};
const context = (secrets: Record<string, string> = SECRETS): ChannelContext => ({
  channel: row,
  secrets,
  config: {},
});
const request = (overrides: Partial<ProviderRequest>): ProviderRequest => ({
  method: 'POST',
  url: 'http://parley.test/webhooks/channels/x',
  headers: {},
  query: {},
  body: Buffer.from('{}'),
  ...overrides,
});

/** A 360dialog on-premise style webhook: contacts and messages at the top level. */
const onPremise = (from: string, id: string, body: string) => ({
  contacts: [{ profile: { name: 'Konrad Tester' }, wa_id: from }],
  messages: [{ from, id, timestamp: '1612544982', type: 'text', text: { body } }],
});

describe('360dialog adapter', () => {
  let fake: FakeWhatsAppCloud;
  let adapter: D360Adapter;
  beforeAll(async () => {
    fake = await FakeWhatsAppCloud.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.sends.length = 0;
    adapter = new D360Adapter({
      http: new GuardedHttpClient({ allowPrivateNetworks: true }),
      baseUrl: fake.d360Url,
    });
  });

  it('accepts webhooks only with the verify token, in the query or the X-Parley-Token header', () => {
    const verify = (
      overrides: Partial<ProviderRequest>,
      secrets: Record<string, string> = SECRETS,
    ) => adapter.verifyWebhook(context(secrets), request(overrides));
    expect(verify({ query: { token: 'd360-webhook-token' } })).toEqual({ kind: 'accept' });
    expect(verify({ headers: { 'x-parley-token': 'd360-webhook-token' } })).toEqual({
      kind: 'accept',
    });
    expect(verify({})).toMatchObject({ kind: 'reject', status: 401 });
    expect(verify({ query: { token: 'd360-webhook-tokeN' } })).toMatchObject({
      kind: 'reject',
      status: 403,
    });
    // No token configured: nothing is accepted, not even an empty one.
    expect(verify({ query: { token: '' } }, { api_key: 'k' })).toMatchObject({ kind: 'reject' });
    expect(verify({ method: 'GET', query: { token: 'd360-webhook-token' } })).toEqual({
      kind: 'challenge',
      status: 200,
      body: 'OK',
    });
  });

  it('parses on-premise and Cloud-envelope webhooks alike', () => {
    const parse = (payload: unknown) =>
      adapter.parseInbound(context(), request({ body: Buffer.from(JSON.stringify(payload)) }));
    expect(parse(onPremise('48123123123', 'ABGG1', 'Hello'))).toEqual([
      {
        kind: 'message',
        contact: { externalId: '48123123123', name: 'Konrad Tester', phone: '+48123123123' },
        content: { type: 'text', text: 'Hello' },
        providerMessageId: 'ABGG1',
        replyToProviderId: null,
      },
    ]);
    expect(parse(inboundMessage('48123123123', text('Hi')))).toHaveLength(1);
  });

  it('sends Cloud-style payloads to {base}/messages with the D360-API-KEY header', async () => {
    const result = await adapter.send(context(), {
      id: 'm1',
      conversationId: 'c1',
      content: { type: 'text', text: 'Hello from 360' },
      recipient: { externalId: '+48 123 123 123', phone: null, email: null, name: null },
      lastInboundAt: Date.now(),
    });
    expect(fake.sends.map(({ path, payload, wamid }) => ({ path, payload, wamid }))).toEqual([
      {
        path: '/d360/messages',
        payload: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '48123123123',
          type: 'text',
          text: { body: 'Hello from 360', preview_url: false },
        },
        wamid: result.providerMessageId,
      },
    ]);
    expect(fake.requests[0]?.headers['d360-api-key']).toBe('test-d360-key');
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    const noKey: unknown = await adapter
      .send(context({ verify_token: 'x' }), {
        id: 'm2',
        conversationId: 'c1',
        content: { type: 'text', text: 'x' },
        recipient: { externalId: '48123123123', phone: null, email: null, name: null },
      })
      .catch((error: unknown) => error);
    expect(noKey).toBeInstanceOf(ChannelSendError);
    expect(noKey).toMatchObject({
      retryable: false,
      message: 'The 360dialog channel has no secrets.api_key.',
    });
  });

  it('registers the webhook URL at 360dialog with the token in it', async () => {
    await adapter.registerWebhook(context(), 'http://parley.test/webhooks/channels/abc');
    expect(fake.d360Webhook).toBe(
      'http://parley.test/webhooks/channels/abc?token=d360-webhook-token',
    );
    expect(fake.requests[0]?.headers['d360-api-key']).toBe('test-d360-key');
    await expect(
      adapter.registerWebhook(context({ api_key: 'k' }), 'http://x.test/'),
    ).rejects.toThrow(/verify_token/);
    await expect(
      adapter.registerWebhook(context({ api_key: 'wrong', verify_token: 't' }), 'http://x.test/'),
    ).rejects.toThrow(/HTTP 401/);
  });

  it('downloads media through 360dialog’s proxy of Meta’s media host', async () => {
    fake.media.set('d360-media', { bytes: Buffer.from('%PDF-1.4'), mime: 'application/pdf' });
    const media = await adapter.fetchMedia(context(), 'd360-media');
    expect(media).toEqual({ bytes: Buffer.from('%PDF-1.4'), mime: 'application/pdf' });
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/d360/d360-media',
      '/d360/whatsapp_business/attachments/?mid=d360-media&ext=1',
    ]);
  });
});

describe.each(DIALECTS)('360dialog webhooks on %s', (dialect) => {
  let t: TestApp;
  let fake: FakeWhatsAppCloud;
  let path = '';
  beforeEach(async () => {
    fake = await FakeWhatsAppCloud.start();
    t = await createTestApp(dialect, { PARLEY_D360_API_URL: fake.d360Url });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: bearer(t.first.accountToken),
      payload: {
        type: 'whatsapp',
        provider: 'd360',
        name: '360dialog',
        phone_number: '+15550001111',
        external_id: PHONE_NUMBER_ID,
        secrets: SECRETS,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    path = `/webhooks/channels/${created.json<{ public_key: string }>().public_key}`;
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  it('refuses a webhook without the token; one with it becomes a message, and an agent’s reply goes out', async () => {
    const post = (url: string, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    expect((await post(path, onPremise('48123123123', 'ABGG1', 'Hello'))).statusCode).toBe(401);
    const jobs = () =>
      t.runtime.database.db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', 'channel.inbound')
        .execute();
    expect(await jobs()).toHaveLength(0);

    const accepted = await post(
      `${path}?token=${SECRETS.verify_token}`,
      onPremise('48123123123', 'ABGG1', 'Hello'),
    );
    expect(accepted.statusCode).toBe(200);
    await t.runtime.startWorkers();
    const inbound = () =>
      t.runtime.database.db
        .selectFrom('messages')
        .select(['direction', 'text', 'public_id'])
        .execute();
    await waitFor(async () => (await inbound()).length === 1, 10_000, 'the message');
    expect((await inbound())[0]).toMatchObject({ direction: 'inbound', text: 'Hello' });

    const conversation = await t.runtime.database.db
      .selectFrom('conversations')
      .select('public_id')
      .executeTakeFirstOrThrow();
    await t.runtime.services.conversations.sendAgentMessage(
      t.first.account.id,
      conversation.public_id,
      {
        content: { type: 'text', text: 'Hi Konrad' },
        userId: t.first.admin.id,
      },
    );
    await waitFor(() => fake.sends.length === 1, 10_000, 'the reply');
    expect(fake.sends[0]?.payload).toMatchObject({
      to: '48123123123',
      text: { body: 'Hi Konrad' },
    });
  });
});
