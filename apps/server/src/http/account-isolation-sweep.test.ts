import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import {
  callWithSample,
  createRecords,
  servedRoutes,
  withRecords,
} from '../testing/sweep/routes.js';

/**
 * Routes whose path parameter is a public key, not a record id: anyone holding the key may
 * call them, whichever account they belong to (a bot's key, a channel's webhook key).
 */
const BY_PUBLIC_KEY = ['/api/native/bot-chat/', '/webhooks/channels/', '/widget/'];

/** Every row of every table with an `account_id`, for that account: what it owns. */
async function everythingOf(t: TestApp, accountId: number): Promise<Record<string, unknown[]>> {
  const db = t.runtime.database.db;
  const tables = await db.introspection.getTables();
  const owned: Record<string, unknown[]> = {};
  for (const table of tables) {
    if (!table.columns.some((column) => column.name === 'account_id')) continue;
    const rows = await sql<Record<string, unknown>>`
      select * from ${sql.table(table.name)} where account_id = ${accountId}`.execute(db);
    owned[table.name] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  return owned;
}

/**
 * Account isolation on every route (DESIGN.md §8): another account's admin, calling every
 * route with a path parameter with this account's real records in it (read, change,
 * delete), gets nothing back and changes nothing. Nothing of the first account's may differ
 * afterwards, row for row, in any table.
 */
describe.each(DIALECTS)("another account's records on every route on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('are neither answered nor changed', async () => {
    const routes = await servedRoutes(t);
    const records = await createRecords(t, routes);
    const other = await t.createAccount('Other');
    const before = await everythingOf(t, t.first.account.id);
    const answered: string[] = [];
    const byRecord = routes
      .filter((route) => route.path.includes('{'))
      .filter((route) => !BY_PUBLIC_KEY.some((prefix) => route.path.startsWith(prefix)))
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const route of byRecord) {
      const url = withRecords(route.path, records);
      const response = await callWithSample(t, other.accountToken, route, url);
      if (response.statusCode < 400) {
        answered.push(
          `${route.method.toUpperCase()} ${url} → ${String(response.statusCode)} ${response.body.slice(0, 200)}`,
        );
      }
    }
    expect(answered).toEqual([]);
    expect(await everythingOf(t, t.first.account.id)).toEqual(before);
  }, 120_000);
});
