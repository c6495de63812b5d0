import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-databases.js';
import type { Database } from './database.js';
import { PreparedQuery } from './prepared-query.js';
import { connectionOfTransaction, inTransaction } from './transaction.js';

const insertAccount = new PreparedQuery<{ name: string; at: number }, { id: number; name: string }>(
  (db, param) =>
    db
      .insertInto('accounts')
      .values({ name: param('name'), created_at: param('at'), updated_at: param('at') })
      .returning(['id', 'name']),
);

const accountsNamed = new PreparedQuery<{ name: string; after: number }, { id: number }>(
  (db, param) =>
    db
      .selectFrom('accounts')
      .select('id')
      .where('name', '=', param('name'))
      .where('created_at', '>', param('after'))
      .orderBy('id'),
);

const contactsWithExternalKey = new PreparedQuery<{ key: string | null }, { id: number }>(
  (db, param) => db.selectFrom('contacts').select('id').where('external_key', '=', param('key')),
);

describe.each(DIALECTS)('prepared queries on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  it('binds each run its own values, in and out of transactions', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    const first = await insertAccount.takeFirstOrThrow(db, { name: 'Acme', at: 10 });
    const second = await db
      .transaction()
      .execute((trx) => insertAccount.takeFirstOrThrow(trx, { name: 'Acme', at: 20 }));
    await insertAccount.execute(db, { name: 'Globex', at: 30 });

    expect(first.name).toBe('Acme');
    expect(await accountsNamed.execute(db, { name: 'Acme', after: 0 })).toEqual([
      { id: first.id },
      { id: second.id },
    ]);
    expect(await accountsNamed.execute(db, { name: 'Acme', after: 10 })).toEqual([
      { id: second.id },
    ]);
    expect(await accountsNamed.takeFirst(db, { name: 'Initech', after: 0 })).toBeUndefined();
  });

  it('refuses null for a compared parameter, which SQL would silently match with nothing', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    await expect(contactsWithExternalKey.execute(db, { key: null })).rejects.toThrow(
      'a prepared query compares "key" with null',
    );
    expect(await contactsWithExternalKey.execute(db, { key: 'k1' })).toEqual([]);
  });

  it('rolls back with the transaction it ran in', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    await expect(
      db.transaction().execute(async (trx) => {
        await insertAccount.execute(trx, { name: 'Ghost', at: 1 });
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await accountsNamed.execute(db, { name: 'Ghost', after: 0 })).toEqual([]);
  });

  it('runs on the connection of an inTransaction unit: sees its writes, rolls back with it', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    expect(connectionOfTransaction(db)).toBeUndefined();
    await db.transaction().execute(async (trx) => {
      // A transaction opened by Kysely alone goes through Kysely's executor.
      expect(connectionOfTransaction(trx)).toBeUndefined();
      await insertAccount.execute(trx, { name: 'Kept', at: 1 });
    });
    const seen = await inTransaction(db, async (unit) => {
      expect(connectionOfTransaction(unit.db)).toBeDefined();
      await insertAccount.execute(unit.db, { name: 'Kept', at: 2 });
      return accountsNamed.execute(unit.db, { name: 'Kept', after: 0 });
    });
    expect(seen).toHaveLength(2);
    await expect(
      inTransaction(db, async (unit) => {
        await insertAccount.execute(unit.db, { name: 'Ghost', at: 1 });
        expect(await accountsNamed.execute(unit.db, { name: 'Ghost', after: 0 })).toHaveLength(1);
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await accountsNamed.execute(db, { name: 'Ghost', after: 0 })).toEqual([]);
  });
});
