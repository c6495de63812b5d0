import type { Insertable } from 'kysely';
import type { Db } from '../../storage/database.js';
import { inTransaction } from '../../storage/transaction.js';
import type { Chunk } from '../ingest/chunk.js';
import { nextRefreshAt } from '../knowledge-base-settings.js';
import type { KbChunksTable, KbSourceRow } from '../store/kb-tables.js';

/** Computes vectors for chunks when an embeddings provider is configured. */
export interface Embedder {
  readonly model: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface IndexedDocument {
  readonly title: string;
  readonly url: string | null;
  readonly hash: string;
  readonly chunks: readonly Chunk[];
}

const INSERT_BATCH = 100;

export function vectorBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * Replaces a source's chunks with a document's, and marks it trained, in one transaction:
 * a search never sees half a page, and a re-sync never leaves the old chunks beside the new.
 * An unchanged document (same hash) keeps its chunks: only the training time moves.
 * Returns the number of chunks the source now has.
 */
export async function indexDocument(
  db: Db,
  source: KbSourceRow,
  document: IndexedDocument,
  embedder: Embedder | undefined,
  now = Date.now(),
): Promise<{ chunks: number; changed: boolean }> {
  const refresh = nextRefreshAt(source.refresh_frequency, now);
  if (isUnchanged(source, document)) {
    await db
      .updateTable('kb_sources')
      .set({ last_trained_at: now, next_refresh_at: refresh, updated_at: now })
      .where('id', '=', source.id)
      .execute();
    return { chunks: source.chunk_count, changed: false };
  }
  // Vectors are computed before the transaction: a slow provider never holds the writer.
  const vectors = await embedChunks(document, embedder);
  await inTransaction(db, async (unit) => {
    await unit.db.deleteFrom('kb_chunks').where('source_id', '=', source.id).execute();
    await insertChunks(unit.db, chunkRows(source, document, vectors));
    await unit.db
      .updateTable('kb_sources')
      .set(trainedColumns(document, refresh, now))
      .where('id', '=', source.id)
      .execute();
  });
  return { chunks: document.chunks.length, changed: true };
}

/** Whether a source already holds this document's chunks (same text, trained). */
export function isUnchanged(source: KbSourceRow, document: IndexedDocument): boolean {
  return source.content_hash === document.hash && source.status === 'trained';
}

export async function embedChunks(
  document: IndexedDocument,
  embedder: Embedder | undefined,
): Promise<Float32Array[] | undefined> {
  return embedder === undefined
    ? undefined
    : embedder.embed(document.chunks.map((chunk) => chunk.text));
}

/** The kb_sources columns of a source that holds a document's chunks. */
export interface TrainedColumns {
  status: 'trained';
  failed_reason: null;
  title: string;
  token_count: number;
  chunk_count: number;
  content_hash: string;
  last_trained_at: number;
  next_refresh_at: number | null;
  updated_at: number;
}

export function trainedColumns(
  document: IndexedDocument,
  refresh: number | null,
  now: number,
): TrainedColumns {
  return {
    status: 'trained',
    failed_reason: null,
    title: document.title,
    token_count: document.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0),
    chunk_count: document.chunks.length,
    content_hash: document.hash,
    last_trained_at: now,
    next_refresh_at: refresh,
    updated_at: now,
  };
}

export type ChunkRow = Insertable<KbChunksTable>;

/** A document's chunks as rows of a source, with their vectors when there are any. */
export function chunkRows(
  source: Pick<KbSourceRow, 'id' | 'account_id' | 'kb_id'>,
  document: IndexedDocument,
  vectors: readonly Float32Array[] | undefined,
): ChunkRow[] {
  return document.chunks.map((chunk, index) => {
    const vector = vectors?.[index];
    return {
      account_id: source.account_id,
      kb_id: source.kb_id,
      source_id: source.id,
      ordinal: chunk.ordinal,
      text: chunk.text,
      title: document.title,
      url: document.url,
      section: chunk.section,
      tokens: chunk.tokens,
      embedding: vector === undefined ? null : vectorBytes(vector),
    };
  });
}

/** Inserts chunk rows in statements of INSERT_BATCH rows (in the caller's transaction). */
export async function insertChunks(db: Db, rows: readonly ChunkRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await db
      .insertInto('kb_chunks')
      .values(rows.slice(start, start + INSERT_BATCH))
      .execute();
  }
}

/** A source that could not be trained, with the reason a person can act on. */
export async function failSource(
  db: Db,
  sourceId: number,
  reason: string,
  nextRefresh: number | null = null,
): Promise<void> {
  const now = Date.now();
  await db
    .updateTable('kb_sources')
    .set({
      status: 'failed',
      failed_reason: reason.slice(0, 1_000),
      next_refresh_at: nextRefresh,
      updated_at: now,
    })
    .where('id', '=', sourceId)
    .execute();
}
