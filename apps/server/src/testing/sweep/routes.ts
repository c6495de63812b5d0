import { z } from 'zod';
import { bearer, TEST_ACCOUNT_TOKEN, type TestApp } from '../test-app.js';
import { EMPTY_FLOW } from '../../core/bots/bot-templates.js';
import { jsonSchema, sampleOf, type JsonSchema } from './sample-from-schema.js';

/**
 * The routes the bad-input sweep (http/bad-input-sweep.test.ts) calls, read from
 * /openapi.json, and real records to put in their paths.
 */

// Routes served but not in /openapi.json (provider webhooks are hidden from the docs).
const UNDOCUMENTED = [
  ['get', '/webhooks/channels/{key}'],
  ['post', '/webhooks/channels/{key}'],
] as const;

const operationSchema = z.looseObject({
  requestBody: z
    .object({ content: z.record(z.string(), z.object({ schema: jsonSchema })) })
    .optional(),
  parameters: z.array(z.looseObject({ in: z.string(), name: z.string() })).optional(),
});
const openApiSchema = z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), operationSchema)),
});

export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly body: JsonSchema | undefined;
  readonly query: readonly string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

function isMethod(name: string): name is Method {
  return METHODS.some((method) => method === name);
}

export async function servedRoutes(t: TestApp): Promise<Route[]> {
  const spec = openApiSchema.parse((await t.app.inject({ url: '/openapi.json' })).json());
  const documented = Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) =>
      isMethod(method) ? [{ method, path, operation }] : [],
    ),
  );
  const described = documented.map(({ method, path, operation }) => ({
    method,
    path,
    body: operation.requestBody?.content['application/json']?.schema,
    query: (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name),
  }));
  const hidden = UNDOCUMENTED.map(([method, path]) => ({
    method,
    path,
    body: undefined,
    query: [],
  }));
  return [...described, ...hidden];
}

/**
 * Where a route's schema has a refinement its JSON Schema does not show ("one of A and B",
 * "required names among the properties", a flow as a JSON string), the sampled body is
 * mended by hand so that it reaches the route.
 */
const MENDED: Readonly<Record<string, (sample: Record<string, unknown>) => unknown>> = {
  'post /api/native/ai/functions': mendFunction,
  'put /api/native/ai/functions/{id}': mendFunction,
  'post /api/native/conversations/{id}/assign': (sample) => ({ ...sample, team_id: undefined }),
  'post /api/native/bots': (sample) => ({ ...sample, clone_of: undefined }),
  'post /v1/bots/{bot}/deploy': (sample) => ({
    ...sample,
    flow_diagram: JSON.stringify(EMPTY_FLOW),
  }),
  'post /widget/api/sessions': (sample) => ({ ...sample, preview_key: undefined }),
};

function mendFunction(sample: Record<string, unknown>): unknown {
  const parameters = { type: 'object', properties: { city: { type: 'string' } } };
  return { ...sample, parameters, required: undefined };
}

/** A body the route's schema accepts, as far as the sampler and the mending above go. */
export function sampleFor(route: Route): unknown {
  if (route.body === undefined) return undefined;
  const sample = sampleOf(route.body);
  const mend = MENDED[`${route.method} ${route.path}`];
  return mend !== undefined && isRecord(sample) ? mend(sample) : sample;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `route` at `url` as the holder of `token`, with its sampled body (sampleFor). */
export function callWithSample(t: TestApp, token: string, route: Route, url: string) {
  const sample = sampleFor(route);
  const body = sample === undefined ? undefined : JSON.stringify(sample);
  return t.app.inject({
    method: route.method,
    url,
    headers: {
      ...bearer(token),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: body }),
  });
}

export function withParams(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

export const created = z.looseObject({ id: z.union([z.number(), z.string()]) });

/**
 * Real records for the path parameters, so that near misses reach the code behind a lookup:
 * each collection's POST, given its sampled body, creates one (its `id` is kept under the
 * collection's path); a sandbox message opens a conversation; a channel gives its key.
 */
export async function createRecords(
  t: TestApp,
  routes: readonly Route[],
): Promise<Map<string, string>> {
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
    const record = await post(route.path, sampleFor(route));
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
export function withRecords(path: string, records: ReadonlyMap<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (parameter: string, name: string, at: number) => {
    const collection = path.slice(0, Math.max(0, at - 1));
    const id = name === 'account' ? records.get('account') : records.get(collection);
    return encodeURIComponent(id ?? '1');
  });
}
