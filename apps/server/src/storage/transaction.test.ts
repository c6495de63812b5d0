import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-databases.js';
import type { Database } from './database.js';
import type { Db } from './database.js';
import { inSavepoint, inTransaction } from './transaction.js';

async function addAccount(db: Db, name: string): Promise<void> {
  const now = Date.now();
  await db.insertInto('accounts').values({ name, created_at: now, updated_at: now }).execute();
}

async function accountNames(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('accounts').select('name').orderBy('id').execute();
  return rows.map((row) => row.name);
}

describe.each(DIALECTS)('units of work on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  it('undoes a failed savepoint and its callbacks, keeping the rest of the unit', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    const published: string[] = [];
    await inTransaction(db, async (unit) => {
      await addAccount(unit.db, 'before');
      unit.afterCommit(() => published.push('before'));
      await expect(
        inSavepoint(unit, 'attempt', async (inner) => {
          await addAccount(inner.db, 'undone');
          inner.afterCommit(() => published.push('undone'));
          // A statement the database refuses (on PostgreSQL, it aborts the transaction).
          await sql`select * from no_such_table`.execute(inner.db);
        }),
      ).rejects.toThrow();
      await inSavepoint(unit, 'attempt', async (inner) => {
        await addAccount(inner.db, 'kept');
        inner.afterCommit(() => published.push('kept'));
      });
      await addAccount(unit.db, 'after');
    });
    expect(await accountNames(db)).toEqual(['before', 'kept', 'after']);
    expect(published).toEqual(['before', 'kept']);
  });
});
