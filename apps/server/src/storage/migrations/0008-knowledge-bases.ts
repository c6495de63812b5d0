import { sql } from 'kysely';
import type { Migration, MigrationContext } from './ddl.js';
import { withId } from './ddl.js';

/**
 * The AI studio's knowledge: knowledge bases, their sources (text, files, single pages, and
 * the pages of crawled domains), the chunks retrieval searches, custom answers and AI usage.
 * Lexical search is SQLite FTS5 (unicode61, diacritics folded: no language's stemming) kept
 * in step by triggers, or a PostgreSQL `simple` tsvector column with a GIN index.
 */
export const knowledgeBases: Migration = {
  name: '0008-knowledge-bases',
  async up({ schema, dialect, run }: MigrationContext) {
    await withId(schema.createTable('knowledge_bases'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('kb_domains'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('kb_id', 'bigint', (c) =>
        c.notNull().references('knowledge_bases.id').onDelete('cascade'),
      )
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('exclude_urls', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('refresh_frequency', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('failed_reason', 'text')
      .addColumn('pages_crawled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pages_failed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('chunks_indexed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('last_trained_at', 'bigint')
      .addColumn('next_refresh_at', 'bigint')
      .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('kb_sources'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('kb_id', 'bigint', (c) =>
        c.notNull().references('knowledge_bases.id').onDelete('cascade'),
      )
      .addColumn('domain_id', 'bigint', (c) => c.references('kb_domains.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      /** The URL of a page, the text of a text source, the media key of a file. */
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('failed_reason', 'text')
      .addColumn('token_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('content_hash', 'text')
      .addColumn('refresh_frequency', 'text')
      .addColumn('last_trained_at', 'bigint')
      .addColumn('next_refresh_at', 'bigint')
      .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema
      .createIndex('kb_sources_kb_idx')
      .on('kb_sources')
      .columns(['account_id', 'kb_id', 'id'])
      .execute();
    await schema
      .createIndex('kb_sources_domain_idx')
      .on('kb_sources')
      .columns(['domain_id', 'source'])
      .execute();

    await withId(schema.createTable('kb_chunks'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull())
      .addColumn('kb_id', 'bigint', (c) => c.notNull())
      .addColumn('source_id', 'bigint', (c) =>
        c.notNull().references('kb_sources.id').onDelete('cascade'),
      )
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('section', 'text')
      .addColumn('tokens', 'integer', (c) => c.notNull())
      .addColumn('embedding', dialect === 'postgres' ? 'bytea' : 'blob')
      .execute();
    await schema
      .createIndex('kb_chunks_source_idx')
      .on('kb_chunks')
      .columns(['source_id'])
      .execute();
    await schema.createIndex('kb_chunks_kb_idx').on('kb_chunks').columns(['kb_id']).execute();

    if (dialect === 'sqlite') {
      await run(sql`create virtual table kb_chunks_fts using fts5(
        text, title, section, content='kb_chunks', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')`);
      await run(sql`create trigger kb_chunks_ai after insert on kb_chunks begin
        insert into kb_chunks_fts(rowid, text, title, section) values (new.id, new.text, new.title, coalesce(new.section, ''));
      end`);
      await run(sql`create trigger kb_chunks_ad after delete on kb_chunks begin
        insert into kb_chunks_fts(kb_chunks_fts, rowid, text, title, section) values ('delete', old.id, old.text, old.title, coalesce(old.section, ''));
      end`);
    } else {
      await run(sql`alter table kb_chunks add column search tsvector generated always as (
        setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(section, '')), 'B') ||
        to_tsvector('simple', text)) stored`);
      await run(sql`create index kb_chunks_search_idx on kb_chunks using gin (search)`);
    }

    await withId(schema.createTable('kb_custom_answers'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('kb_id', 'bigint', (c) => c.references('knowledge_bases.id').onDelete('cascade'))
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(schema.createTable('ai_usage'), dialect)
      .addColumn('account_id', 'bigint', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('bot_id', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('prompt_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('completion_tokens', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('ai_usage_key', ['account_id', 'bot_id', 'day'])
      .execute();
  },
};
