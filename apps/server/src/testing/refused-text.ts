import { sql } from 'kysely';
import type { Db } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';

/**
 * Fault injection in the database itself: a trigger that refuses to store a message with
 * this text, so a test sees what a real database error does halfway through a transaction
 * (on PostgreSQL, it aborts the transaction). Returns how to lift it.
 */
export async function refuseMessagesSaying(
  db: Db,
  dialect: DialectName,
  refused: string,
): Promise<() => Promise<void>> {
  const literal = `'${refused.replaceAll("'", "''")}'`;
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger refuse_text before insert on messages when new.text = ${literal} begin select raise(abort, 'refused by the test'); end`,
      )
      .execute(db);
    return async () => {
      await sql.raw('drop trigger refuse_text').execute(db);
    };
  }
  await sql
    .raw(
      `create function refuse_text() returns trigger language plpgsql as $$ begin if new.text = ${literal} then raise exception 'refused by the test'; end if; return new; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      'create trigger refuse_text before insert on messages for each row execute function refuse_text()',
    )
    .execute(db);
  return async () => {
    await sql.raw('drop trigger refuse_text on messages').execute(db);
    await sql.raw('drop function refuse_text()').execute(db);
  };
}
