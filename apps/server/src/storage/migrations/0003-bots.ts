import type { CreateTableBuilder } from 'kysely';
import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

function accountColumn<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'account_id'> {
  return table.addColumn('account_id', 'bigint', (c) =>
    c.notNull().references('accounts.id').onDelete('cascade'),
  );
}

/**
 * Bots: a draft flow that the builder edits, and immutable deployed versions (running
 * sessions finish on the version they started with).
 */
export const bots: Migration = {
  name: '0003-bots',
  async up({ schema, dialect }: MigrationContext) {
    await accountColumn(withId(schema.createTable('bots'), dialect))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().defaultTo('inbound'))
      .addColumn('channel_types', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('language', 'text', (c) => c.notNull().defaultTo('EN'))
      .addColumn('owner_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('bot_key', 'text', (c) => c.notNull().unique())
      .addColumn('preview_key', 'text', (c) => c.notNull().unique())
      .addColumn('draft_flow', 'text', (c) => c.notNull())
      .addColumn('deployed_version_id', 'bigint')
      .addColumn('last_deployed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema.createIndex('bots_account_idx').on('bots').columns(['account_id', 'id']).execute();

    await accountColumn(withId(schema.createTable('flow_versions'), dialect))
      .addColumn('bot_id', 'bigint', (c) => c.notNull().references('bots.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('flow', 'text', (c) => c.notNull())
      .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('flow_versions_bot_version_unique', ['bot_id', 'version'])
      .execute();
  },
};
