import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-databases.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrator.js';
import type { Migration } from './migrations/ddl.js';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  async function tableExists(name: string): Promise<boolean> {
    const tables = await database.db.introspection.getTables();
    return tables.some((table) => table.name === name);
  }

  it('applies the schema once; a second run applies nothing', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    expect(await tableExists('users')).toBe(true);
    expect(await migrateToLatest(database.db, database.dialect)).toEqual({ applied: [] });
  });

  it('leaves the database as it was when a migration fails half-way', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const broken: Migration = {
      name: '9999-broken',
      async up({ schema, run }) {
        await schema.createTable('half_done').addColumn('id', 'integer').execute();
        await run(sql`insert into accounts (name, created_at, updated_at) values ('ghost', 1, 1)`);
        await run(sql`select * from a_table_that_does_not_exist`);
      },
    };
    await expect(migrateToLatest(database.db, database.dialect, [broken])).rejects.toThrow();
    expect(await tableExists('half_done')).toBe(false);
    const ghosts = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('name', '=', 'ghost')
      .execute();
    expect(ghosts).toEqual([]);
    const recorded = await sql<{
      name: string;
    }>`select name from parley_migrations where name = '9999-broken'`.execute(database.db);
    expect(recorded.rows).toEqual([]);
  });
});
