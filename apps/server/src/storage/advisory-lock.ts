import { sql } from 'kysely';
import type { Db } from './database.js';
import type { DialectName } from './dialects/dialect.js';

/**
 * Serialises, until the transaction on `db` ends, the writers that take the lock named by
 * the same parts: for a check-then-write that no row lock or unique constraint covers
 * (nothing to lock yet, or a count). PostgreSQL only: SQLite already runs one write
 * transaction at a time.
 */
export async function lockUntilCommit(
  db: Db,
  dialect: DialectName,
  parts: readonly (string | number)[],
): Promise<void> {
  if (dialect !== 'postgres') return;
  // JSON of the parts: no choice of separator could make two names collide.
  await sql`select pg_advisory_xact_lock(hashtext(${JSON.stringify(parts)}))`.execute(db);
}
