import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import type { Database } from '../database.js';
import { PreparedQuery } from '../prepared-query.js';
import { inTransaction } from '../transaction.js';

const accountNamed = new PreparedQuery<{ name: string }, { id: number; name: string }>(
  (db, param) => db.selectFrom('accounts').select(['id', 'name']).where('name', '=', param('name')),
);

describe.each(DIALECTS)('NUL characters in statements on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  // PostgreSQL refuses them (and with them the transaction); both databases store U+FFFD.
  it('stores and looks up text with NUL characters as U+FFFD, in and out of transactions', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    const now = Date.now();
    await db
      .insertInto('accounts')
      .values({ name: 'Ac\u0000me', created_at: now, updated_at: now })
      .execute();
    await inTransaction(db, async (unit) => {
      await unit.db
        .insertInto('accounts')
        .values({ name: 'Glo\u0000bex', created_at: now, updated_at: now })
        .execute();
      // A lookup by the same text finds what was stored, through a prepared query too.
      const found = await accountNamed.execute(unit.db, { name: 'Glo\u0000bex' });
      expect(found.map((row) => row.name)).toEqual(['Glo\uFFFDbex']);
    });
    const names = await db.selectFrom('accounts').select('name').orderBy('id').execute();
    expect(names.map((row) => row.name)).toEqual(['Ac\uFFFDme', 'Glo\uFFFDbex']);
  });
});
