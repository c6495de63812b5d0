import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { envelopeOf, type EnvelopeName } from '../testing/sweep/envelopes.js';
import { bodiesFor, PATH_PARAMS, queriesFor } from '../testing/sweep/hostile-input.js';
import {
  agentToken,
  providerWebhookPaths,
  signatureOf,
  visitorToken,
  WEBHOOK_GARBAGE,
  WEBHOOK_QUERIES,
} from '../testing/sweep/principals-and-webhooks.js';
import {
  createRecords,
  servedRoutes,
  withParams,
  withRecords,
  type Method,
  type Route,
} from '../testing/sweep/routes.js';

/**
 * Every route, documented or not, given input no client should send, whatever the route
 * answers must be a 4xx (or a success), never a 5xx: a 500 is a route that let bad input
 * reach the database or the code behind it. Two kinds of input:
 *
 * - garbage: bodies of the wrong shape or no JSON at all, hostile path parameters;
 * - near misses: a body built from the route's own schema (so it gets past the first
 *   checks), then one field at a time swapped for a hostile value — past PostgreSQL's
 *   `integer`, past JavaScript's safe integers, empty, huge, NUL, the wrong type — and
 *   each query parameter likewise;
 *
 * as an agent, a web visitor and an admin, with real records as path parameters; then
 * every provider's webhook on a real channel of each (decision 0017).
 */

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
    // Each route's 4xx answers: all in one dialect's envelope, the same one every time.
    // Not the providers' webhooks: a provider reads only the status of what it is answered.
    const envelopes = new Map<string, EnvelopeName>();
    const checkEnvelope = (route: string, status: number, body: string) => {
      if (route.includes(' /webhooks/channels/')) return;
      const found = envelopeOf(status, body);
      if ('problem' in found) {
        failures.push(`${route} → ${String(status)}: ${found.problem}`);
        return;
      }
      const before = envelopes.get(route);
      if (before === undefined) envelopes.set(route, found.name);
      else if (before !== found.name) failures.push(`${route}: both ${before} and ${found.name}`);
    };
    const send = async (
      token: string,
      method: Method,
      template: string,
      url: string,
      body?: string,
    ) => {
      const response = await t.app.inject({
        method,
        url,
        headers: {
          ...bearer(token),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: body }),
      });
      if (response.statusCode < 400) reachedRoutes += 1;
      if (response.statusCode >= 400 && response.statusCode < 500) {
        checkEnvelope(`${method.toUpperCase()} ${template}`, response.statusCode, response.body);
      }
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
            for (const query of queries) await send(token, route.method, route.path, url + query);
          } else {
            // Every body with the real records, then each hostile parameter with an empty object.
            const bodies = index === 0 ? bodiesFor(route) : ['{}'];
            for (const body of bodies) await send(token, route.method, route.path, url, body);
          }
        }
      }
    }
    // Providers' webhooks, each on a real channel.
    for (const [provider, path] of webhookPaths) {
      for (const query of WEBHOOK_QUERIES) await send('', 'get', path, path + query);
      for (const { contentType, body, headers } of WEBHOOK_GARBAGE) {
        // As sent, then signed as the provider signs (stored, and set aside by its job).
        const signature = signatureOf(provider, body ?? '');
        for (const sent of signature === undefined ? [headers] : [headers, signature]) {
          const response = await t.app.inject({
            method: 'POST',
            url: path,
            headers: {
              ...sent,
              ...(contentType === undefined ? {} : { 'content-type': contentType }),
            },
            ...(body === undefined ? {} : { payload: body }),
          });
          if (response.statusCode >= 500) {
            failures.push(`POST ${provider} webhook ${body ?? ''} → ${response.statusCode}`);
          }
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
