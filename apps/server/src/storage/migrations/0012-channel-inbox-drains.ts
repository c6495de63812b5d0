import type { Migration, MigrationContext } from './ddl.js';

/**
 * Whether a channel's inbox has a drain job scheduled and not yet started (SQLite; see
 * channels/inbox-drain-flag.ts): one job then serves every webhook that arrives before it
 * starts, instead of a job each.
 */
export const channelInboxDrains: Migration = {
  name: '0012-channel-inbox-drains',
  async up({ schema }: MigrationContext) {
    await schema
      .createTable('channel_inbox_drains')
      .addColumn('channel_id', 'bigint', (c) =>
        c.primaryKey().references('channels.id').onDelete('cascade'),
      )
      .addColumn('scheduled', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
