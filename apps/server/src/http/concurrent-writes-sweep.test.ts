import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import {
  createRecords,
  callWithSample,
  servedRoutes,
  withRecords,
  type Route,
} from '../testing/sweep/routes.js';

/** How many identical requests go at once. */
const AT_ONCE = 8;

/**
 * Every write route called several times at the same moment with the same body: a
 * double-clicked "Create", a retried request, two agents acting together. Each request
 * must get a 2xx or a 4xx: a 5xx is a check-then-write race that let two writers past
 * the check (a unique violation surfacing as an internal error).
 */
describe.each(DIALECTS)('the same write at once on every route on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('never answers 5xx', async () => {
    const routes = await servedRoutes(t);
    const failures: string[] = [];
    const call = async (route: Route, url: string) => {
      const response = await callWithSample(t, TEST_ACCOUNT_TOKEN, route, url);
      if (response.statusCode >= 500) {
        failures.push(
          `${route.method.toUpperCase()} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`,
        );
      }
    };
    const atOnce = (route: Route, url: string) =>
      Promise.all(Array.from({ length: AT_ONCE }, () => call(route, url)));
    const writes = routes.filter((route) => route.method !== 'get');
    // Collections first, while nothing exists yet: every request races to create the same.
    for (const route of writes) {
      if (route.method !== 'delete' && !route.path.includes('{')) await atOnce(route, route.path);
    }
    const records = await createRecords(t, routes);
    const ordered = writes
      .filter((route) => route.path.includes('{'))
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    // Every change to the same records at the same moment (assign, label, close, reopen,
    // rename …): no two writers may deadlock or trip over each other's rows.
    const changes = ordered.filter((route) => route.method !== 'delete');
    await Promise.all(changes.map((route) => call(route, withRecords(route.path, records))));
    for (const route of ordered) await atOnce(route, withRecords(route.path, records));
    expect(failures).toEqual([]);
  }, 120_000);
});
