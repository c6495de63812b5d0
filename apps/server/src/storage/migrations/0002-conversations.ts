import type { CreateTableBuilder } from 'kysely';
import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/** A required reference to the account, on every table of account data. */
function accountColumn<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'account_id'> {
  return table.addColumn('account_id', 'bigint', (c) =>
    c.notNull().references('accounts.id').onDelete('cascade'),
  );
}

/**
 * The live-chat core: channels, contacts and their per-channel identities, conversations,
 * messages, notes, labels, saved replies, WhatsApp templates, SLA policies and breaches,
 * event webhooks and their deliveries, the account event log (realtime resume cursor),
 * per-account settings and plan limits, and agent availability for assignment.
 */
export const conversations: Migration = {
  name: '0002-conversations',
  async up({ schema, dialect }: MigrationContext) {
    await schema
      .createTable('account_settings')
      .addColumn('account_id', 'bigint', (c) =>
        c.primaryKey().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // Assignment: who is online, and how many open conversations each agent may hold.
    await schema
      .alterTable('users')
      .addColumn('availability', 'text', (c) => c.notNull().defaultTo('offline'))
      .execute();
    await schema
      .alterTable('users')
      .addColumn('max_open_conversations', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await schema.alterTable('team_members').addColumn('last_assigned_at', 'bigint').execute();
    // 'round_robin': a conversation given to the team goes to its next available agent;
    // 'team': the team decides (the conversation waits in the team's queue).
    await schema
      .alterTable('teams')
      .addColumn('assignment_mode', 'text', (c) => c.notNull().defaultTo('team'))
      .execute();

    await accountColumn(withId(schema.createTable('channels'), dialect))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('phone_number', 'text')
      .addColumn('external_id', 'text')
      .addColumn('public_key', 'text', (c) => c.notNull().unique())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('secrets', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('channels_account_type_idx')
      .on('channels')
      .columns(['account_id', 'type'])
      .execute();

    await accountColumn(withId(schema.createTable('contacts'), dialect))
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('external_key', 'text')
      .addColumn('name', 'text')
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('variables', 'text', (c) => c.notNull())
      .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_activity_at', 'bigint')
      .addUniqueConstraint('contacts_account_external_key_unique', ['account_id', 'external_key'])
      .execute();
    // Export and search page through one account by id.
    await schema
      .createIndex('contacts_account_id_idx')
      .on('contacts')
      .columns(['account_id', 'id'])
      .execute();
    await schema
      .createIndex('contacts_email_idx')
      .on('contacts')
      .columns(['account_id', 'email'])
      .execute();
    await schema
      .createIndex('contacts_phone_idx')
      .on('contacts')
      .columns(['account_id', 'phone'])
      .execute();

    await accountColumn(withId(schema.createTable('contact_identities'), dialect))
      .addColumn('contact_id', 'bigint', (c) =>
        c.notNull().references('contacts.id').onDelete('cascade'),
      )
      .addColumn('channel_id', 'bigint', (c) =>
        c.notNull().references('channels.id').onDelete('cascade'),
      )
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('contact_identities_channel_external_unique', [
        'channel_id',
        'external_id',
      ])
      .execute();
    await schema
      .createIndex('contact_identities_contact_idx')
      .on('contact_identities')
      .column('contact_id')
      .execute();

    await accountColumn(withId(schema.createTable('sla_policies'), dialect))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('first_response_seconds', 'integer')
      .addColumn('next_response_seconds', 'integer')
      .addColumn('resolution_seconds', 'integer')
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await accountColumn(withId(schema.createTable('conversations'), dialect))
      .addColumn('public_id', 'text', (c) => c.notNull().unique())
      .addColumn('contact_id', 'bigint', (c) =>
        c.notNull().references('contacts.id').onDelete('cascade'),
      )
      .addColumn('channel_id', 'bigint', (c) =>
        c.notNull().references('channels.id').onDelete('cascade'),
      )
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assignee_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('assignee_team_id', 'bigint', (c) => c.references('teams.id').onDelete('set null'))
      .addColumn('assigned_to_bot', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('bot_id', 'bigint')
      .addColumn('title', 'text')
      .addColumn('variables', 'text', (c) => c.notNull())
      // The label names, kept with the conversation (as Chatwoot's cached_label_list) so
      // listing and event snapshots need no join; conversation_labels stays the truth.
      .addColumn('label_names', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sla_policy_id', 'bigint', (c) =>
        c.references('sla_policies.id').onDelete('set null'),
      )
      .addColumn('first_response_at', 'bigint')
      .addColumn('waiting_since', 'bigint')
      .addColumn('last_message_at', 'bigint', (c) => c.notNull())
      .addColumn('last_inbound_at', 'bigint')
      .addColumn('closed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // The inbox list: by status, newest activity first, keyset on (last_message_at, id).
    await schema
      .createIndex('conversations_inbox_idx')
      .on('conversations')
      .columns(['account_id', 'status', 'last_message_at', 'id'])
      .execute();
    // Inbound routing: the open conversation of a contact on a channel.
    await schema
      .createIndex('conversations_contact_channel_idx')
      .on('conversations')
      .columns(['contact_id', 'channel_id', 'status'])
      .execute();
    await schema
      .createIndex('conversations_assignee_idx')
      .on('conversations')
      .columns(['account_id', 'assignee_user_id', 'status'])
      .execute();

    await accountColumn(withId(schema.createTable('messages'), dialect))
      .addColumn('public_id', 'text', (c) => c.notNull().unique())
      .addColumn('conversation_id', 'bigint', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('channel_id', 'bigint', (c) =>
        c.notNull().references('channels.id').onDelete('cascade'),
      )
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('sender_type', 'text', (c) => c.notNull())
      .addColumn('sender_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_history', 'text', (c) => c.notNull())
      .addColumn('failure_reason', 'text')
      .addColumn('provider_message_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('messages_channel_provider_unique', [
        'channel_id',
        'provider_message_id',
      ])
      .execute();
    await schema
      .createIndex('messages_conversation_idx')
      .on('messages')
      .columns(['conversation_id', 'id'])
      .execute();

    await accountColumn(withId(schema.createTable('notes'), dialect))
      .addColumn('conversation_id', 'bigint', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('notes_conversation_idx')
      .on('notes')
      .column('conversation_id')
      .execute();

    await accountColumn(withId(schema.createTable('labels'), dialect))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('color', 'text', (c) => c.notNull().defaultTo('#6b7280'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('labels_account_name_unique', ['account_id', 'name'])
      .execute();

    await accountColumn(schema.createTable('conversation_labels'))
      .addColumn('conversation_id', 'bigint', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('label_id', 'bigint', (c) =>
        c.notNull().references('labels.id').onDelete('cascade'),
      )
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
      .execute();

    await accountColumn(withId(schema.createTable('saved_replies'), dialect))
      .addColumn('short_code', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('saved_replies_account_code_unique', ['account_id', 'short_code'])
      .execute();

    await accountColumn(withId(schema.createTable('templates'), dialect))
      .addColumn('channel_id', 'bigint', (c) => c.references('channels.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('templates_account_name_language_unique', [
        'account_id',
        'name',
        'language',
      ])
      .execute();

    await accountColumn(withId(schema.createTable('sla_breaches'), dialect))
      .addColumn('conversation_id', 'bigint', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('breached_at', 'bigint', (c) => c.notNull())
      // One breach per clock: a timer that fires twice cannot report it twice.
      .addUniqueConstraint('sla_breaches_once_unique', ['conversation_id', 'kind', 'due_at'])
      .execute();

    await accountColumn(withId(schema.createTable('webhooks'), dialect))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('verified_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // WotNot configures one event webhook per account; every event reads it by account.
    await schema
      .createIndex('webhooks_account_unique')
      .on('webhooks')
      .column('account_id')
      .unique()
      .execute();

    await accountColumn(withId(schema.createTable('webhook_deliveries'), dialect))
      .addColumn('webhook_id', 'bigint', (c) =>
        c.notNull().references('webhooks.id').onDelete('cascade'),
      )
      .addColumn('delivery_id', 'text', (c) => c.notNull().unique())
      .addColumn('event_type', 'text', (c) => c.notNull())
      // Deliveries of one lane (a conversation, or the account) go out strictly in order.
      .addColumn('lane', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    // The delivery log lists an account's deliveries by status, newest first.
    await schema
      .createIndex('webhook_deliveries_log_idx')
      .on('webhook_deliveries')
      .columns(['account_id', 'status', 'id'])
      .execute();
    await schema
      .createIndex('webhook_deliveries_lane_idx')
      .on('webhook_deliveries')
      .columns(['webhook_id', 'lane', 'status', 'id'])
      .execute();

    // Every conversation event, in commit order: the realtime resume cursor is its id.
    await accountColumn(withId(schema.createTable('account_events'), dialect))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'bigint')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('account_events_cursor_idx')
      .on('account_events')
      .columns(['account_id', 'id'])
      .execute();
  },
};
