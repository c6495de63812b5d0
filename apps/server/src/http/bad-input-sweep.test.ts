import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { jsonSchema, sampleOf, type JsonSchema } from '../testing/sample-from-schema.js';
import { greeter, webBot } from '../widget/widget-test-fixture.js';

/**
 * Every route, documented or not, given input no client should send, whatever the route
 * answers must be a 4xx (or a success), never a 5xx: a 500 is a route that let bad input
 * reach the database or the code behind it. Two kinds of input:
 *
 * - garbage: bodies of the wrong shape or no JSON at all, hostile path parameters;
 * - near misses: a body built from the route's own schema (so it gets past the first
 *   checks), then one field at a time swapped for a hostile value — past PostgreSQL's
 *   `integer`, past JavaScript's safe integers, empty, huge, NUL, the wrong type — and
 *   each query parameter likewise.
 */

// Routes served but not in /openapi.json (provider webhooks are hidden from the docs).
const UNDOCUMENTED = [
  ['get', '/webhooks/channels/{key}'],
  ['post', '/webhooks/channels/{key}'],
] as const;

const PATH_PARAMS = [
  '\u0000',
  '2147483648',
  '9007199254740993',
  '99999999999999999999',
  '0',
  '-1',
  'abc',
  '1.5',
  "1'--",
  'x'.repeat(300),
];

const GARBAGE_BODIES = [
  undefined,
  '{}',
  '[]',
  'null',
  '"text"',
  '123',
  '{"truncated":',
  JSON.stringify({ nested: { deeper: [1, { deepest: null }] } }),
];

const HOSTILE_VALUES: unknown[] = [
  2147483648,
  -2147483649,
  2 ** 53,
  1e308,
  0,
  -1,
  1.5,
  '',
  ' ',
  'x'.repeat(20_000),
  '\u0000',
  '2147483648',
  null,
  true,
  [],
  {},
];

const HOSTILE_QUERY_VALUES = [
  '2147483648',
  '9007199254740993',
  '-1',
  '0',
  '',
  '1.5',
  '\u0000',
  'x'.repeat(5_000),
];

const operationSchema = z.looseObject({
  requestBody: z
    .object({ content: z.record(z.string(), z.object({ schema: jsonSchema })) })
    .optional(),
  parameters: z.array(z.looseObject({ in: z.string(), name: z.string() })).optional(),
});
const openApiSchema = z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), operationSchema)),
});

interface Route {
  readonly method: string;
  readonly path: string;
  readonly body: JsonSchema | undefined;
  readonly query: readonly string[];
}

async function servedRoutes(t: TestApp): Promise<Route[]> {
  const spec = openApiSchema.parse((await t.app.inject({ url: '/openapi.json' })).json());
  const documented = Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method,
      path,
      body: operation.requestBody?.content['application/json']?.schema,
      query: (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name),
    })),
  );
  const hidden = UNDOCUMENTED.map(([method, path]) => ({
    method,
    path,
    body: undefined,
    query: [],
  }));
  return [...documented, ...hidden];
}

function withParams(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

const created = z.looseObject({ id: z.union([z.number(), z.string()]) });

/**
 * Real records for the path parameters, so that near misses reach the code behind a lookup:
 * each collection's POST, given its sampled body, creates one (its `id` is kept under the
 * collection's path); a sandbox message opens a conversation; a channel gives its key.
 */
async function createRecords(t: TestApp, routes: readonly Route[]): Promise<Map<string, string>> {
  const records = new Map<string, string>([['account', '1']]);
  const post = async (url: string, body: unknown) => {
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(TEST_ACCOUNT_TOKEN), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    const parsed = created.safeParse(response.statusCode < 300 ? response.json() : null);
    return parsed.success ? parsed.data : undefined;
  };
  for (const route of routes) {
    if (route.method !== 'post' || route.path.includes('{') || route.body === undefined) continue;
    const record = await post(route.path, sampleOf(route.body));
    if (record !== undefined) records.set(route.path, String(record.id));
  }
  const channel = await post('/api/native/channels', {
    type: 'whatsapp',
    provider: 'sandbox',
    name: 'Sweep',
    phone_number: '+14155550100',
  });
  const inbound = await t.app.inject({
    method: 'POST',
    url: `/api/native/channels/${String(channel?.id)}/sandbox/inbound`,
    headers: bearer(TEST_ACCOUNT_TOKEN),
    payload: { from: '+14155550123', content: { type: 'text', text: 'Hi' } },
  });
  const conversation = z.object({ conversation_id: z.string() }).parse(inbound.json());
  records.set('/api/native/conversations', conversation.conversation_id);
  records.set('/api/v1/conversation', conversation.conversation_id);
  records.set('/v1/accounts/{account}/conversations', conversation.conversation_id);
  // Where a sampled body was not enough (a pattern, a choice that needs more), one by hand.
  const byHand: [string, string, unknown][] = [
    ['/api/native/contacts', '/api/native/contacts', { name: 'Sweep', email: 'sweep@example.com' }],
    ['/api/native/labels', '/api/native/labels', { name: 'sweep' }],
    ['/api/native/bots', '/v1/bot', { name: 'Sweep', channel: 'API' }],
  ];
  for (const [collection, url, body] of byHand) {
    if (records.has(collection)) continue;
    const record = await post(url, body);
    if (record !== undefined) records.set(collection, String(record.id));
  }
  records.set('/api/native/channels', String(channel?.id));
  const bot = records.get('/api/native/bots');
  if (bot !== undefined) records.set('/v1/bots', bot);
  return records;
}

/** The path with each parameter a real record's id where one is known, else `1`. */
function withRecords(path: string, records: ReadonlyMap<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (parameter: string, name: string, at: number) => {
    const collection = path.slice(0, Math.max(0, at - 1));
    const id = name === 'account' ? records.get('account') : records.get(collection);
    return encodeURIComponent(id ?? '1');
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bodies to send a route: garbage, its own sample, and the sample with one field swapped. */
function bodiesFor(route: Route): (string | undefined)[] {
  const bodies = [...GARBAGE_BODIES];
  const sample = route.body === undefined ? undefined : sampleOf(route.body);
  if (!isRecord(sample)) return bodies;
  bodies.push(JSON.stringify(sample));
  for (const [key, inner] of Object.entries(sample)) {
    for (const value of HOSTILE_VALUES) bodies.push(JSON.stringify({ ...sample, [key]: value }));
    // One level down too: settings objects (a channel's config, a message's content).
    if (!isRecord(inner)) continue;
    for (const innerKey of Object.keys(inner)) {
      for (const value of HOSTILE_VALUES) {
        bodies.push(JSON.stringify({ ...sample, [key]: { ...inner, [innerKey]: value } }));
      }
    }
  }
  return bodies;
}

function queriesFor(route: Route): string[] {
  return [
    '',
    ...route.query.flatMap((name) =>
      HOSTILE_QUERY_VALUES.map((value) => `?${name}=${encodeURIComponent(value)}`),
    ),
  ];
}

/** An active agent (an app user with the built-in agent role) and a token of theirs. */
async function agentToken(t: TestApp): Promise<string> {
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
async function visitorToken(t: TestApp): Promise<string> {
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
const WEBHOOK_GARBAGE: { contentType?: string; body?: string; headers?: Record<string, string> }[] =
  [
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

const WEBHOOK_QUERIES = [
  '',
  '?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
  '?hub.mode=subscribe&hub.verify_token=v',
  '?hub.challenge=%00&hub.mode=',
];

/** Connects one channel of every provider; their webhook paths by provider. */
async function providerWebhookPaths(t: TestApp): Promise<[string, string][]> {
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
function signatureOf(provider: string, body: string): Record<string, string> | undefined {
  if (['whatsapp_cloud', 'messenger', 'instagram'].includes(provider)) {
    const digest = createHmac('sha256', 's').update(body).digest('hex');
    return { 'x-hub-signature-256': `sha256=${digest}` };
  }
  return provider === 'telegram' ? { 'x-telegram-bot-api-secret-token': 's' } : undefined;
}

describe.each(DIALECTS)('bad input to every route on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 4xx, never 5xx, to an agent, a web visitor and an admin', async () => {
    const routes = await servedRoutes(t);
    expect(routes.length).toBeGreaterThan(100);
    const records = await createRecords(t, routes);
    expect(records.size).toBeGreaterThan(10);
    const agent = await agentToken(t);
    const visitor = await visitorToken(t);
    // Before the admin's near misses, which revoke tokens among other things.
    const webhookPaths = await providerWebhookPaths(t);
    const failures: string[] = [];
    let reachedRoutes = 0;
    const send = async (token: string, method: string, url: string, body?: string) => {
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: {
          ...bearer(token),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: body }),
      });
      if (response.statusCode < 400) reachedRoutes += 1;
      if (response.statusCode >= 500) {
        const shown = (body ?? '(no body)').slice(0, 2000);
        failures.push(
          `${method.toUpperCase()} ${url.slice(0, 120)} ${shown} → ${response.statusCode} ${response.body.slice(0, 200)}`,
        );
      }
    };
    // Deletions last: the records stay for every other route. The agent goes first, while
    // the admin's near misses have not yet changed the records (an agent deletes little).
    const ordered = [...routes].sort(
      (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
    );
    const widgetRoutes = ordered.filter((route) => route.path.startsWith('/widget/api/'));
    const sweeps: [string, Route[]][] = [
      [agent, ordered],
      [visitor, widgetRoutes],
      [TEST_ACCOUNT_TOKEN, ordered],
    ];
    for (const [token, swept] of sweeps) {
      for (const route of swept) {
        const hostile = route.path.includes('{') ? PATH_PARAMS : [];
        const urls = [
          withRecords(route.path, records),
          ...hostile.map((p) => withParams(route.path, p)),
        ];
        for (const [index, url] of urls.entries()) {
          if (route.method === 'get') {
            const queries = index === 0 ? queriesFor(route) : [''];
            for (const query of queries) await send(token, route.method, url + query);
          } else {
            // Every body with the real records, then each hostile parameter with an empty object.
            const bodies = index === 0 ? bodiesFor(route) : ['{}'];
            for (const body of bodies) await send(token, route.method, url, body);
          }
        }
      }
    }
    // Providers' webhooks, each on a real channel: nothing signed, so nothing is stored.
    for (const [provider, path] of webhookPaths) {
      for (const query of WEBHOOK_QUERIES) await send('', 'get', path + query);
      for (const { contentType, body, headers } of WEBHOOK_GARBAGE) {
        const response = await t.app.inject({
          method: 'POST',
          url: path,
          headers: {
            ...headers,
            ...(contentType === undefined ? {} : { 'content-type': contentType }),
          },
          ...(body === undefined ? {} : { payload: body }),
        });
        if (response.statusCode >= 500) {
          failures.push(`POST ${provider} webhook ${body ?? ''} → ${response.statusCode}`);
        }
        // The same garbage signed as the provider signs: stored, and set aside by its job.
        const signature = signatureOf(provider, body ?? '');
        if (signature === undefined) continue;
        const signed = await t.app.inject({
          method: 'POST',
          url: path,
          headers: {
            ...signature,
            ...(contentType === undefined ? {} : { 'content-type': contentType }),
          },
          ...(body === undefined ? {} : { payload: body }),
        });
        if (signed.statusCode >= 500) {
          failures.push(`POST ${provider} signed webhook ${body ?? ''} → ${signed.statusCode}`);
        }
      }
    }
    // No garbage blocks a channel: every stored webhook is applied or set aside.
    await t.runtime.startWorkers();
    const pending = () =>
      t.runtime.database.db
        .selectFrom('channel_inbox')
        .select('id')
        .where('processed_at', 'is', null)
        .execute();
    await waitFor(async () => (await pending()).length === 0, 20_000, 'the inbox drained');
    expect(failures).toEqual([]);
    // The samples must get past validation into the routes, or the near misses test nothing.
    expect(reachedRoutes).toBeGreaterThan(30);
  }, 300_000);
});
