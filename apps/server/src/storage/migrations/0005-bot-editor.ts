import type { Migration, MigrationContext } from './ddl.js';

/**
 * What the bot editor needs: a draft revision for optimistic concurrency (two people
 * editing one bot must not silently overwrite each other), soft deletion (sessions and
 * conversations keep pointing at a deleted bot's versions), and the version a rollback
 * copied from. SQLite adds one column per ALTER TABLE, hence one statement each.
 */
export const botEditor: Migration = {
  name: '0005-bot-editor',
  async up({ schema }: MigrationContext) {
    await schema
      .alterTable('bots')
      .addColumn('draft_revision', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await schema.alterTable('bots').addColumn('deleted_at', 'bigint').execute();
    await schema.alterTable('flow_versions').addColumn('restored_from', 'integer').execute();
  },
};
