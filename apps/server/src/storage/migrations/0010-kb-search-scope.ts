import { sql } from 'kysely';
import type { Migration, MigrationContext } from './ddl.js';

/**
 * SQLite only: the full-text index learns which knowledge base each chunk belongs to, so a
 * search restricts and ranks inside FTS5 instead of ranking every account's matches and
 * filtering afterwards; and `kb_chunks_vocab` exposes per-term document counts, which the
 * search reads to leave its most common terms out of candidate selection (see
 * ai/retrieval/search-plan.ts). The scope is a generated column of `kb_chunks` ("kb" and the
 * id: one token no text contains, so its document list is the knowledge base's chunks and
 * nothing else), indexed like the others, weighted zero when ranking. PostgreSQL is unchanged.
 */
export const kbSearchScope: Migration = {
  name: '0010-kb-search-scope',
  async up({ dialect, run }: MigrationContext) {
    if (dialect !== 'sqlite') return;
    await run(sql`drop trigger kb_chunks_ai`);
    await run(sql`drop trigger kb_chunks_ad`);
    await run(sql`drop table kb_chunks_fts`);
    await run(sql`alter table kb_chunks add column fts_scope text
      generated always as ('kb' || kb_id) virtual`);
    await run(sql`create virtual table kb_chunks_fts using fts5(
      text, title, section, fts_scope, content='kb_chunks', content_rowid='id',
      tokenize='unicode61 remove_diacritics 2')`);
    await run(sql`create trigger kb_chunks_ai after insert on kb_chunks begin
      insert into kb_chunks_fts(rowid, text, title, section, fts_scope)
        values (new.id, new.text, new.title, coalesce(new.section, ''), 'kb' || new.kb_id);
    end`);
    await run(sql`create trigger kb_chunks_ad after delete on kb_chunks begin
      insert into kb_chunks_fts(kb_chunks_fts, rowid, text, title, section, fts_scope)
        values ('delete', old.id, old.text, old.title, coalesce(old.section, ''), 'kb' || old.kb_id);
    end`);
    await run(sql`insert into kb_chunks_fts(kb_chunks_fts) values ('rebuild')`);
    await run(sql`create virtual table kb_chunks_vocab using fts5vocab(kb_chunks_fts, 'row')`);
  },
};
