import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { greeter, webBot } from '../../widget/widget-test-fixture.js';
import { bearer, TEST_ACCOUNT_TOKEN, type TestApp } from '../test-app.js';
import { created } from './routes.js';

/** Who the bad-input sweep calls as (an agent, a web visitor), and the providers' webhooks. */

/** An active agent (an app user with the built-in agent role) and a token of theirs. */
export async function agentToken(t: TestApp): Promise<string> {
  const admin = { ...bearer(TEST_ACCOUNT_TOKEN), 'content-type': 'application/json' };
  const roles = z
    .object({ roles: z.array(z.object({ id: z.number(), name: z.string() })) })
    .parse((await t.app.inject({ url: '/api/native/roles', headers: admin })).json());
  const role = roles.roles.find((candidate) => candidate.name === 'agent');
  const user = await t.app.inject({
    method: 'POST',
    url: '/api/native/users/apps',
    headers: admin,
    payload: { name: 'Sweeping agent', role_id: role?.id },
  });
  const token = await t.app.inject({
    method: 'POST',
    url: '/api/native/tokens',
    headers: admin,
    payload: { kind: 'app', name: 'sweep', user_id: created.parse(user.json()).id },
  });
  return z.object({ token: z.string() }).parse(token.json()).token;
}

/** A web visitor's token: a session of a bot published on the web. */
export async function visitorToken(t: TestApp): Promise<string> {
  const { botKey } = await webBot(t, greeter('Hello'));
  const session = await t.app.inject({
    method: 'POST',
    url: '/widget/api/sessions',
    payload: { bot_key: botKey },
  });
  return z.object({ visitor_token: z.string() }).parse(session.json()).visitor_token;
}

/** One channel of every provider, as connected through the native API; their webhook paths. */
const PROVIDER_CHANNELS: Record<string, unknown>[] = [
  {
    type: 'whatsapp',
    provider: 'whatsapp_cloud',
    external_id: '106540352242922',
    secrets: { access_token: 't', app_secret: 's', verify_token: 'v' },
  },
  {
    type: 'whatsapp',
    provider: 'd360',
    external_id: '106540352242923',
    secrets: { api_key: 'k', verify_token: 'v' },
  },
  {
    type: 'sms',
    provider: 'twilio',
    phone_number: '+14155550111',
    secrets: { account_sid: 'AC00000000000000000000000000000000', auth_token: 't' },
  },
  {
    type: 'telegram',
    provider: 'telegram',
    external_id: 'bot',
    secrets: { bot_token: '1:x', secret_token: 's' },
  },
  {
    type: 'messenger',
    provider: 'messenger',
    external_id: '1000',
    secrets: { app_secret: 's', verify_token: 'v', page_access_token: 't' },
  },
  {
    type: 'instagram',
    provider: 'instagram',
    external_id: '1001',
    secrets: { app_secret: 's', verify_token: 'v', page_access_token: 't' },
  },
  {
    type: 'email',
    provider: 'email',
    external_id: 'help@example.com',
    secrets: { inbound_token: 't' },
  },
];

/** Unsigned or wrongly signed garbage, in every content type the providers use. */
export const WEBHOOK_GARBAGE: {
  contentType?: string;
  body?: string;
  headers?: Record<string, string>;
}[] = [
  {},
  { contentType: 'application/json', body: '{}' },
  { contentType: 'application/json', body: '[]' },
  { contentType: 'application/json', body: '{"truncated":' },
  { contentType: 'application/json', body: '{"entry":[{"changes":null}]}' },
  { contentType: 'application/x-www-form-urlencoded', body: 'a=b&c&%zz=1' },
  { contentType: 'text/plain', body: '\u0000' },
  { contentType: 'message/rfc822', body: 'not: a mail\r\n\r\n' },
  {
    contentType: 'application/json',
    body: '{"object":"page"}',
    headers: {
      'x-hub-signature-256': 'sha256=00',
      'x-twilio-signature': 'x',
      'x-telegram-bot-api-secret-token': 'wrong',
      authorization: 'Bearer wrong',
    },
  },
];

export const WEBHOOK_QUERIES = [
  '',
  '?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
  '?hub.mode=subscribe&hub.verify_token=v',
  '?hub.challenge=%00&hub.mode=',
];

/** Connects one channel of every provider; their webhook paths by provider. */
export async function providerWebhookPaths(t: TestApp): Promise<[string, string][]> {
  const paths: [string, string][] = [];
  for (const payload of PROVIDER_CHANNELS) {
    const channel = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: bearer(TEST_ACCOUNT_TOKEN),
      payload: { name: 'Sweep', ...payload },
    });
    const key = z.object({ public_key: z.string() }).parse(channel.json()).public_key;
    paths.push([String(payload.provider), `/webhooks/channels/${key}`]);
  }
  return paths;
}

/** Headers that authenticate `body` as the provider's own webhook (for the signed ones). */
export function signatureOf(provider: string, body: string): Record<string, string> | undefined {
  if (['whatsapp_cloud', 'messenger', 'instagram'].includes(provider)) {
    const digest = createHmac('sha256', 's').update(body).digest('hex');
    return { 'x-hub-signature-256': `sha256=${digest}` };
  }
  return provider === 'telegram' ? { 'x-telegram-bot-api-secret-token': 's' } : undefined;
}
