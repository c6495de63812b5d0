import { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { DialectName, StorageDialect } from './dialects/dialect.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { postgresDialect } from './dialects/postgres.js';

export type Db = Kysely<Schema>;

export interface Database {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly description: string;
  close(): Promise<void>;
}

/** Picks the dialect from `DATABASE_URL`: `sqlite:<file>` or `postgres://…`. */
export function dialectFromUrl(databaseUrl: string): StorageDialect {
  if (databaseUrl.startsWith('sqlite:')) {
    return sqliteDialect(databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  }
  return postgresDialect(databaseUrl);
}

export function openDatabase(databaseUrl: string): Database {
  const dialect = dialectFromUrl(databaseUrl);
  const db = new Kysely<Schema>({ dialect: dialect.createKyselyDialect() });
  let closed = false;
  return {
    db,
    dialect: dialect.name,
    description: dialect.description,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
