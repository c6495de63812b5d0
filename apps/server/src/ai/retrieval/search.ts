import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { rankByBm25 } from './bm25.js';
import { ftsTerms } from './fts-terms.js';
import { coverage, queryTerms } from './query-terms.js';
import { planSearch, rankingDepth } from './search-plan.js';
import { countTerms, indexedChunks, knowledgeBaseChunks } from './term-stats.js';

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
  /** SQLite: how many matches may be ranked exactly (search-plan.ts); for measurements. */
  readonly rankingBudget?: number;
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
 * Lexical retrieval, BM25-ranked: SQLite FTS5 (see searchSqlite), or PostgreSQL full-text
 * search (`ts_rank_cd` over a `simple` tsvector). Terms are OR-ed so a passage with most of
 * them ranks first; each result then carries its term coverage, which the relevance threshold
 * reads (BM25 scores are not comparable across questions, coverage is).
 */
export async function searchLexical(
  db: Db,
  dialect: DialectName,
  request: SearchRequest,
): Promise<Passage[]> {
  const terms = queryTerms(request.question);
  if (terms.length === 0 || request.knowledgeBaseIds.length === 0) return [];
  const rows =
    dialect === 'sqlite'
      ? await searchSqlite(db, request, terms)
      : (
          await sql<Row>`
          select c.id, c.source_id, c.text, c.title, c.url, c.section
          from kb_chunks c, to_tsquery('simple', ${terms.map((term) => tsTerm(term)).join(' | ')}) q
          where c.search @@ q and c.account_id = ${request.accountId}
            and c.kb_id in (${sql.join([...request.knowledgeBaseIds])})
          order by ts_rank_cd(c.search, q) desc
          limit ${request.limit}`.execute(db)
        ).rows;
  return rows.map((row) => ({
    chunkId: Number(row.id),
    sourceId: Number(row.source_id),
    text: row.text,
    title: row.title,
    url: row.url,
    section: row.section,
    score: coverage(terms, `${row.title} ${row.section ?? ''} ${row.text}`),
  }));
}

/** Candidates a common-terms plan re-ranks with every term (several times the page). */
const RERANK_DEPTH = 100;

/**
 * SQLite: FTS5 ranks with `bm25()` before anything is joined (restricted to the knowledge
 * bases, indexed in a zero-weight column, when they are a small part of the index), so only
 * a page of results reads `kb_chunks` (where the account is checked again; `cross join` keeps SQLite from
 * walking the knowledge base's index instead, which costs a scan of its chunks). A large knowledge base is searched
 * by a common-terms plan (search-plan.ts) and its candidates re-ranked by all terms here.
 */
async function searchSqlite(db: Db, request: SearchRequest, words: string[]): Promise<Row[]> {
  const terms = await countTerms(db, ftsTerms(words));
  const sizes = {
    knowledgeBaseIds: request.knowledgeBaseIds,
    knowledgeBaseChunks: await knowledgeBaseChunks(db, request.knowledgeBaseIds),
    indexedChunks: await indexedChunks(db),
  };
  const plan = planSearch(terms, sizes, request.rankingBudget);
  if (plan === null) return [];
  const wanted = plan.kind === 'exact' ? request.limit : Math.max(RERANK_DEPTH, request.limit);
  const depth = rankingDepth(sizes, wanted);
  const rows = await sql<Row>`
    select c.id, c.source_id, c.text, c.title, c.url, c.section
    from (
      select rowid as id, bm25(kb_chunks_fts, 1.0, 0.5, 0.5, 0.0) as rank
      from kb_chunks_fts where kb_chunks_fts match ${plan.match}
      order by rank limit ${depth}
    ) ranked cross join kb_chunks c on c.id = ranked.id
    where c.account_id = ${request.accountId}
      and c.kb_id in (${sql.join([...request.knowledgeBaseIds])})
    order by ranked.rank`.execute(db);
  if (plan.kind === 'exact') return rows.rows.slice(0, request.limit);
  return rankByBm25(terms, sizes.indexedChunks, rows.rows.slice(0, wanted)).slice(0, request.limit);
}

/** A term as a tsquery lexeme: quoted, so punctuation inside it cannot become an operator. */
function tsTerm(term: string): string {
  return `'${term.replaceAll("'", "''").replaceAll('\\', '')}'`;
}
