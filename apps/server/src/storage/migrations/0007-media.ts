import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/**
 * The media store: files people upload (widget attachments, later knowledge-base sources),
 * kept in the database so every process of a deployment, on SQLite or PostgreSQL, serves
 * the same bytes without a shared disk. `key` is the unguessable public name.
 */
export const media: Migration = {
  name: '0007-media',
  async up({ schema, dialect }: MigrationContext) {
    await withId(schema.createTable('media'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('media_account_idx')
      .on('media')
      .columns(['account_id', 'id'])
      .execute();
  },
};
