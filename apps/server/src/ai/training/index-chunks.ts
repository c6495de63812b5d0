import type { Db } from '../../storage/database.js';
import { inTransaction } from '../../storage/transaction.js';
import type { Chunk } from '../ingest/chunk.js';
import { nextRefreshAt } from '../knowledge-base-settings.js';
import type { KbSourceRow } from '../store/kb-tables.js';

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
  if (source.content_hash === document.hash && source.status === 'trained') {
    await db
      .updateTable('kb_sources')
      .set({ last_trained_at: now, next_refresh_at: refresh, updated_at: now })
      .where('id', '=', source.id)
      .execute();
    return { chunks: source.chunk_count, changed: false };
  }
  // Vectors are computed before the transaction: a slow provider never holds the writer.
  const vectors =
    embedder === undefined
      ? undefined
      : await embedder.embed(document.chunks.map((chunk) => chunk.text));
  const tokens = document.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0);
  await inTransaction(db, async (unit) => {
    await unit.db.deleteFrom('kb_chunks').where('source_id', '=', source.id).execute();
    for (let start = 0; start < document.chunks.length; start += INSERT_BATCH) {
      const batch = document.chunks.slice(start, start + INSERT_BATCH);
      await unit.db
        .insertInto('kb_chunks')
        .values(
          batch.map((chunk, index) => {
            const vector = vectors?.[start + index];
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
          }),
        )
        .execute();
    }
    await unit.db
      .updateTable('kb_sources')
      .set({
        status: 'trained',
        failed_reason: null,
        title: document.title,
        token_count: tokens,
        chunk_count: document.chunks.length,
        content_hash: document.hash,
        last_trained_at: now,
        next_refresh_at: refresh,
        updated_at: now,
      })
      .where('id', '=', source.id)
      .execute();
  });
  return { chunks: document.chunks.length, changed: true };
}

/** A source that could not be trained, with the reason a person can act on. */
export async function failSource(db: Db, sourceId: number, reason: string): Promise<void> {
  const now = Date.now();
  await db
    .updateTable('kb_sources')
    .set({ status: 'failed', failed_reason: reason.slice(0, 1_000), updated_at: now })
    .where('id', '=', sourceId)
    .execute();
}
