import { sql } from 'kysely';
import type { Db } from './database.js';
import type { DialectName } from './dialects/dialect.js';
import type { Migration } from './migrations/ddl.js';
import { migrations as allMigrations } from './migrations/index.js';

const MIGRATIONS_TABLE = 'parley_migrations';
/** Arbitrary constant: the PostgreSQL advisory lock all Parley processes migrate under. */
const MIGRATION_LOCK_ID = 7_042_811;

export interface MigrationResult {
  readonly applied: readonly string[];
}

/**
 * Applies pending migrations, each in its own transaction together with its bookkeeping
 * row: a migration that fails rolls back whole and leaves the database as it was (both
 * SQLite and PostgreSQL have transactional DDL). On PostgreSQL, concurrent starts queue
 * on an advisory lock, so two processes never run the same migration.
 */
export async function migrateToLatest(
  db: Db,
  dialect: DialectName,
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrationResult> {
  await db.schema
    .createTable(MIGRATIONS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();

  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`.execute(trx);
      const done = await sql<{
        name: string;
      }>`select name from ${sql.table(MIGRATIONS_TABLE)} where name = ${migration.name}`.execute(
        trx,
      );
      if (done.rows.length > 0) return false;
      await migration.up({
        schema: trx.schema,
        dialect,
        run: async (query) => {
          await query.execute(trx);
        },
      });
      await sql`insert into ${sql.table(MIGRATIONS_TABLE)} (name, applied_at) values (${migration.name}, ${Date.now()})`.execute(
        trx,
      );
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return { applied };
}
