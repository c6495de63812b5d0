import type { CreateTableBuilder, RawBuilder, SchemaModule } from 'kysely';
import type { DialectName } from '../dialects/dialect.js';

/**
 * What a migration gets: the schema builder, a way to run raw SQL, and the dialect.
 * Migrations never see the current `Schema` types: they must keep working as it evolves.
 */
export interface MigrationContext {
  readonly schema: SchemaModule;
  readonly dialect: DialectName;
  readonly run: (query: RawBuilder<unknown>) => Promise<void>;
}

export interface Migration {
  readonly name: string;
  up(context: MigrationContext): Promise<void>;
}

/** An auto-increment primary key: INTEGER on SQLite (rowid alias), BIGSERIAL on PostgreSQL. */
export function withId<T extends string>(
  table: CreateTableBuilder<T>,
  dialect: DialectName,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigserial', (column) => column.primaryKey());
}
