import type { Migration, MigrationContext } from './ddl.js';

/**
 * Every inbound message looks up its contact's latest conversation on the channel
 * (`order by id desc limit 1`). The index it had, (contact_id, channel_id, status), left
 * SQLite sorting the contact's conversations in a temporary B-tree on every message (about
 * a third of that lookup's time under load) and was rewritten on every status change, while
 * nothing filters conversations by contact, channel and status. Ordered by id instead, the
 * latest conversation is the index's last entry for the pair, on both dialects.
 */
export const conversationLatestIndex: Migration = {
  name: '0011-conversation-latest-index',
  async up({ schema }: MigrationContext) {
    await schema
      .createIndex('conversations_contact_channel_latest_idx')
      .on('conversations')
      .columns(['contact_id', 'channel_id', 'id'])
      .execute();
    await schema.dropIndex('conversations_contact_channel_idx').execute();
  },
};
