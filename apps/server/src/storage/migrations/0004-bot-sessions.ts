import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/**
 * Bot sessions: one per conversation (the unique conversation_id is also the row every
 * turn locks), holding the engine's Session as JSON and the flow version it runs on, so a
 * redeploy never changes a conversation in the middle of its flow.
 */
export const botSessions: Migration = {
  name: '0004-bot-sessions',
  async up({ schema, dialect }: MigrationContext) {
    await withId(schema.createTable('bot_sessions'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'bigint', (c) =>
        c.notNull().unique().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('bot_id', 'bigint', (c) => c.notNull().references('bots.id').onDelete('cascade'))
      .addColumn('flow_version_id', 'bigint', (c) =>
        c.notNull().references('flow_versions.id').onDelete('cascade'),
      )
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('bot_sessions_account_idx')
      .on('bot_sessions')
      .columns(['account_id', 'bot_id'])
      .execute();
  },
};
