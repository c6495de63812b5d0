import type { Selectable } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import type { Embedder } from '../training/index-chunks.js';
import { coverage, queryTerms } from './query-terms.js';
import { searchLexical, type Passage, type SearchRequest } from './search.js';
import { nearestChunks } from './vector-index.js';
import type { KbChunksTable } from '../store/kb-tables.js';

/** Reciprocal rank fusion's constant (the usual 60): ranks matter, raw scores do not. */
const RRF_K = 60;

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function vectorOf(bytes: Buffer): Float32Array {
  const copy = Uint8Array.from(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

/**
 * Hybrid retrieval when an embeddings provider is configured: the BM25 list and a vector
 * list (nearest chunks by cosine) fused by reciprocal rank. Without an embedder it is the
 * lexical list.
 */
export async function searchHybrid(
  db: Db,
  dialect: DialectName,
  request: SearchRequest,
  embedder: Embedder | undefined,
): Promise<Passage[]> {
  const depth = Math.max(request.limit * 4, 20);
  const lexical = await searchLexical(db, dialect, { ...request, limit: depth });
  if (embedder === undefined || request.knowledgeBaseIds.length === 0)
    return lexical.slice(0, request.limit);
  const [query] = await embedder.embed([request.question]);
  if (query === undefined) return lexical.slice(0, request.limit);
  const terms = queryTerms(request.question);
  const vector = await vectorList(db, dialect, request, query, depth);
  const fused = new Map<number, { passage: Passage; score: number }>();
  lexical.forEach((passage, rank) => {
    fused.set(passage.chunkId, { passage, score: 1 / (RRF_K + rank + 1) });
  });
  vector.forEach((row, rank) => {
    const id = row.id;
    const entry = fused.get(id);
    const add = 1 / (RRF_K + rank + 1);
    if (entry !== undefined) entry.score += add;
    else
      fused.set(id, {
        passage: {
          chunkId: id,
          sourceId: row.source_id,
          text: row.text,
          title: row.title,
          url: row.url,
          section: row.section,
          score: coverage(terms, `${row.title} ${row.section ?? ''} ${row.text}`),
        },
        score: add,
      });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, request.limit)
    .map((entry) => entry.passage);
}

type ChunkRow = Pick<
  Selectable<KbChunksTable>,
  'id' | 'source_id' | 'text' | 'title' | 'url' | 'section'
>;

/**
 * The chunks nearest to the question: from sqlite-vec where it is loaded (vector-index.ts),
 * otherwise every chunk vector of the knowledge bases scanned in the process (exact; fine for
 * the tens of thousands of chunks a support knowledge base has, slow beyond).
 */
async function vectorList(
  db: Db,
  dialect: DialectName,
  request: SearchRequest,
  query: Float32Array,
  depth: number,
): Promise<ChunkRow[]> {
  const columns = ['id', 'source_id', 'text', 'title', 'url', 'section'] as const;
  const hits = await nearestChunks(db, dialect, request.knowledgeBaseIds, query, depth);
  if (hits !== null) {
    if (hits.length === 0) return [];
    const rows = await db
      .selectFrom('kb_chunks')
      .select(columns)
      .where('account_id', '=', request.accountId)
      .where('kb_id', 'in', [...request.knowledgeBaseIds])
      .where(
        'id',
        'in',
        hits.map((hit) => hit.chunkId),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return hits.flatMap((hit) => byId.get(hit.chunkId) ?? []);
  }
  const rows = await db
    .selectFrom('kb_chunks')
    .select([...columns, 'embedding'])
    .where('account_id', '=', request.accountId)
    .where('kb_id', 'in', [...request.knowledgeBaseIds])
    .where('embedding', 'is not', null)
    .execute();
  return rows
    .flatMap((row) =>
      row.embedding === null ? [] : [{ row, similarity: cosine(query, vectorOf(row.embedding)) }],
    )
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, depth)
    .map(({ row }) => row);
}
