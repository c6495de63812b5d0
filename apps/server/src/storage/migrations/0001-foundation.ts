import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/** Accounts, roles, users, teams, tokens, sessions, and the jobs/outbox tables. */
export const foundation: Migration = {
  name: '0001-foundation',
  async up({ schema, dialect }: MigrationContext) {
    await schema
      .createTable('installation')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('accounts'), dialect)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('roles'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('master_role_id', 'integer')
      .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('configuration', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('roles_account_name_unique', ['account_id', 'name'])
      .execute();

    await withId(schema.createTable('users'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('first_name', 'text')
      .addColumn('last_name', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('role_id', 'bigint', (c) => c.notNull().references('roles.id'))
      .addColumn('password_hash', 'text')
      .addColumn('invitation_key_hash', 'text', (c) => c.unique())
      .addColumn('invitation_expires_at', 'bigint')
      .addColumn('image_url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('users_account_email_unique', ['account_id', 'email'])
      .execute();
    await schema
      .createIndex('users_role_idx')
      .on('users')
      .columns(['account_id', 'role_id'])
      .execute();
    await schema.createIndex('users_email_idx').on('users').column('email').execute();

    await withId(schema.createTable('teams'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('teams_account_name_unique', ['account_id', 'name'])
      .execute();

    await schema
      .createTable('team_members')
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('team_id', 'bigint', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
      .execute();
    await schema
      .createIndex('team_members_user_idx')
      .on('team_members')
      .columns(['account_id', 'user_id'])
      .execute();

    await withId(schema.createTable('api_tokens'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text')
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('api_tokens_account_idx')
      .on('api_tokens')
      .column('account_id')
      .execute();

    await withId(schema.createTable('sessions'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('refresh_hash', 'text', (c) => c.notNull().unique())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('jobs'), dialect)
      .addColumn('account_id', 'bigint')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('backoff_ms', 'integer', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // The claim query scans due work by status and time; this index serves it.
    await schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();

    await withId(schema.createTable('outbox'), dialect)
      .addColumn('account_id', 'bigint')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('backoff_ms', 'integer', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
