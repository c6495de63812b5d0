import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/**
 * The channel inbox: every verified provider webhook, stored before it is acknowledged and
 * processed per channel strictly in the order it was accepted (see channels/inbox.ts).
 */
export const channelInbox: Migration = {
  name: '0006-channel-inbox',
  async up({ schema, dialect }: MigrationContext) {
    await withId(schema.createTable('channel_inbox'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('channel_id', 'bigint', (c) =>
        c.notNull().references('channels.id').onDelete('cascade'),
      )
      /** SHA-256 of the body: a provider's identical redelivery is stored once. */
      .addColumn('digest', 'text', (c) => c.notNull())
      /** The provider request as JSON (method, url, headers, query, base64 body). */
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('processed_at', 'bigint')
      .addColumn('error', 'text')
      .addUniqueConstraint('channel_inbox_digest_key', ['channel_id', 'digest'])
      .execute();
    await schema
      .createIndex('channel_inbox_pending_idx')
      .on('channel_inbox')
      .columns(['channel_id', 'processed_at', 'id'])
      .execute();
  },
};
