import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { coverage, fold, queryTerms } from './query-terms.js';

/** One retrieved passage with what a citation needs. */
export interface Passage {
  readonly chunkId: number;
  readonly sourceId: number;
  readonly text: string;
  readonly title: string;
  readonly url: string | null;
  readonly section: string | null;
  /** Share of the question's terms the passage contains (0–1). */
  readonly score: number;
}

export interface SearchRequest {
  readonly accountId: number;
  readonly knowledgeBaseIds: readonly number[];
  readonly question: string;
  readonly limit: number;
}

/** Raw rows: PostgreSQL returns bigint ids as strings in raw queries, SQLite as numbers. */
interface Row {
  id: number | string;
  source_id: number | string;
  text: string;
  title: string;
  url: string | null;
  section: string | null;
}

/**
 * Lexical retrieval, BM25-ranked: SQLite FTS5 (`bm25()`), or PostgreSQL full-text search
 * (`ts_rank_cd` over a `simple` tsvector). Terms are OR-ed so a passage with most of them
 * ranks first; each result then carries its term coverage, which the relevance threshold
 * reads (BM25 scores are not comparable across questions, coverage is).
 */
export async function searchLexical(
  db: Db,
  dialect: DialectName,
  request: SearchRequest,
): Promise<Passage[]> {
  const terms = queryTerms(request.question);
  if (terms.length === 0 || request.knowledgeBaseIds.length === 0) return [];
  const kbs = [...request.knowledgeBaseIds];
  const rows =
    dialect === 'sqlite'
      ? await sql<Row>`
          select c.id, c.source_id, c.text, c.title, c.url, c.section
          from kb_chunks_fts f join kb_chunks c on c.id = f.rowid
          where kb_chunks_fts match ${terms.map((term) => `"${fold(term).replaceAll('"', '')}"`).join(' OR ')}
            and c.account_id = ${request.accountId}
            and c.kb_id in (${sql.join(kbs)})
          order by bm25(kb_chunks_fts, 1.0, 0.5, 0.5)
          limit ${request.limit}`.execute(db)
      : await sql<Row>`
          select c.id, c.source_id, c.text, c.title, c.url, c.section
          from kb_chunks c, to_tsquery('simple', ${terms.map((term) => tsTerm(term)).join(' | ')}) q
          where c.search @@ q and c.account_id = ${request.accountId}
            and c.kb_id in (${sql.join(kbs)})
          order by ts_rank_cd(c.search, q) desc
          limit ${request.limit}`.execute(db);
  return rows.rows.map((row) => ({
    chunkId: Number(row.id),
    sourceId: Number(row.source_id),
    text: row.text,
    title: row.title,
    url: row.url,
    section: row.section,
    score: coverage(terms, `${row.title} ${row.section ?? ''} ${row.text}`),
  }));
}

/** A term as a tsquery lexeme: quoted, so punctuation inside it cannot become an operator. */
function tsTerm(term: string): string {
  return `'${term.replaceAll("'", "''").replaceAll('\\', '')}'`;
}
