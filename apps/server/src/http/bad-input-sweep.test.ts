import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearer, createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { jsonSchema, sampleOf, type JsonSchema } from '../testing/sample-from-schema.js';

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

/** The bodies to send a route: garbage, its own sample, and the sample with one field swapped. */
function bodiesFor(route: Route): (string | undefined)[] {
  const bodies = [...GARBAGE_BODIES];
  const sample = route.body === undefined ? undefined : sampleOf(route.body);
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) return bodies;
  bodies.push(JSON.stringify(sample));
  for (const key of Object.keys(sample)) {
    for (const value of HOSTILE_VALUES) bodies.push(JSON.stringify({ ...sample, [key]: value }));
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

describe.each(DIALECTS)('bad input to every route on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 4xx, never 5xx', async () => {
    const routes = await servedRoutes(t);
    expect(routes.length).toBeGreaterThan(100);
    const failures: string[] = [];
    let reachedRoutes = 0;
    const send = async (method: string, url: string, body: string | undefined) => {
      const response = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: {
          ...bearer(TEST_ACCOUNT_TOKEN),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: body }),
      });
      if (response.statusCode < 400) reachedRoutes += 1;
      if (response.statusCode >= 500) {
        const shown = (body ?? '(no body)').slice(0, 160);
        failures.push(
          `${method.toUpperCase()} ${url.slice(0, 120)} ${shown} → ${response.statusCode} ${response.body.slice(0, 200)}`,
        );
      }
    };
    for (const route of routes) {
      const params = route.path.includes('{') ? ['1', ...PATH_PARAMS] : ['1'];
      for (const [index, param] of params.entries()) {
        const url = withParams(route.path, param);
        if (route.method === 'get') {
          const queries = index === 0 ? queriesFor(route) : [''];
          for (const query of queries) await send(route.method, url + query, undefined);
        } else {
          // Every body on the first parameter, then each hostile parameter with an empty object.
          const bodies = index === 0 ? bodiesFor(route) : ['{}'];
          for (const body of bodies) await send(route.method, url, body);
        }
      }
    }
    expect(failures).toEqual([]);
    // The samples must get past validation into the routes, or the near misses test nothing.
    expect(reachedRoutes).toBeGreaterThan(30);
  }, 300_000);
});
