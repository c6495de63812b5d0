import { describe, expect, it } from 'vitest';
import { signed } from '../../testing/fakes/whatsapp-webhooks.js';
import type { ChannelContext, ProviderRequest } from '../adapter.js';
import { verifyMetaWebhook } from './verify.js';

const SECRETS = { access_token: 'x', app_secret: 'app-secret', verify_token: 'vt-123' };

const context = (secrets: Record<string, string> = SECRETS): ChannelContext => ({
  channel: {
    id: 1,
    account_id: 1,
    type: 'whatsapp',
    provider: 'whatsapp_cloud',
    name: 'WhatsApp',
    enabled: 1,
    phone_number: null,
    external_id: '1',
    public_key: '0123456789abcdef0123456789abcdef',
    config: '{}',
    secrets: null,
    created_at: 0,
    updated_at: 0,
  },
  secrets,
  config: {},
});

const request = (overrides: Partial<ProviderRequest>): ProviderRequest => ({
  method: 'POST',
  url: 'http://parley.test/webhooks/channels/x',
  headers: {},
  query: {},
  body: Buffer.alloc(0),
  ...overrides,
});

describe('Meta webhook verification', () => {
  it('answers the subscription handshake only with the right verify token', () => {
    const handshake = (query: Record<string, string>) =>
      verifyMetaWebhook(context(), request({ method: 'GET', query }));
    expect(
      handshake({
        'hub.mode': 'subscribe',
        'hub.verify_token': 'vt-123',
        'hub.challenge': '1158201444',
      }),
    ).toEqual({ kind: 'challenge', status: 200, body: '1158201444' });
    expect(
      handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }),
    ).toMatchObject({ kind: 'reject', status: 403 });
    expect(handshake({ 'hub.verify_token': 'vt-123', 'hub.challenge': '1' })).toMatchObject({
      kind: 'reject',
    });
    const noToken = verifyMetaWebhook(
      context({ app_secret: 'x' }),
      request({ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.verify_token': '' } }),
    );
    expect(noToken).toMatchObject({ kind: 'reject' });
  });

  it('accepts a POST only with the app secret’s X-Hub-Signature-256 over the raw body', () => {
    const { body, headers } = signed('app-secret', {
      object: 'whatsapp_business_account',
      entry: [],
    });
    const post = (h: Record<string, string>, b = body, secrets: Record<string, string> = SECRETS) =>
      verifyMetaWebhook(context(secrets), request({ headers: h, body: Buffer.from(b) }));
    expect(post(headers)).toEqual({ kind: 'accept' });
    expect(post(headers, `${body} `)).toMatchObject({ kind: 'reject', status: 401 });
    expect(post({ 'x-hub-signature-256': 'sha256=00' })).toMatchObject({ kind: 'reject' });
    expect(post({})).toMatchObject({ kind: 'reject', status: 401 });
    expect(post(headers, body, { access_token: 'x', verify_token: 'y' })).toMatchObject({
      kind: 'reject',
    });
  });
});
