import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/**
 * The AI studio's named, reusable prompts (an AI block's instructions may name one) and the
 * functions the AI agent may call (HTTP requests described by a JSON Schema of parameters).
 */
export const aiPromptsFunctions: Migration = {
  name: '0009-ai-prompts-functions',
  async up({ schema, dialect }: MigrationContext) {
    await withId(schema.createTable('ai_prompts'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('ai_prompts_name_idx')
      .on('ai_prompts')
      .columns(['account_id', 'name'])
      .unique()
      .execute();

    await withId(schema.createTable('ai_functions'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('ai_functions_name_idx')
      .on('ai_functions')
      .columns(['account_id', 'name'])
      .unique()
      .execute();
  },
};
