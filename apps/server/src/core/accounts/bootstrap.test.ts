import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../storage/database.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import { createAccount } from './accounts-service.js';
import { bootstrapFirstAccount } from './bootstrap.js';

describe.each(DIALECTS)('first-start bootstrap on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  it('creates the first account once, even when several processes start together', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const config = loadConfig({
      DATABASE_URL: testDb.url,
      PARLEY_BOOTSTRAP_EMAIL: 'Ops@Example.com',
    });
    const results = await Promise.all(
      [1, 2, 3].map(() => bootstrapFirstAccount(database.db, config)),
    );
    const created = results.filter((result) => result !== undefined);
    expect(created).toHaveLength(1);
    expect(created[0]?.admin.email).toBe('ops@example.com');
    expect(await bootstrapFirstAccount(database.db, config)).toBeUndefined();
    const accounts = await database.db.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(1);
  });

  it('treats accounts made with `parley create-account` before the first start as set up', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    await database.db
      .transaction()
      .execute((trx) => createAccount(trx, { name: 'Acme', adminEmail: 'a@acme.test' }));
    expect(
      await bootstrapFirstAccount(database.db, loadConfig({ DATABASE_URL: testDb.url })),
    ).toBeUndefined();
    expect(await database.db.selectFrom('accounts').select('name').execute()).toEqual([
      { name: 'Acme' },
    ]);
  });
});
