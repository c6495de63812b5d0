import type { Db } from '../../storage/database.js';
import { inTransaction } from '../../storage/transaction.js';
import { nextRefreshAt } from '../knowledge-base-settings.js';
import type { KbDomainRow, KbSourceRow } from '../store/kb-tables.js';
import {
  chunkRows,
  insertChunks,
  isUnchanged,
  trainedColumns,
  type ChunkRow,
  type IndexedDocument,
  type TrainedColumns,
} from './index-chunks.js';

/** What became of one crawled page, ready to be written. */
export type PageOutcome =
  | {
      readonly url: string;
      readonly document: IndexedDocument;
      readonly vectors: readonly Float32Array[] | undefined;
    }
  | { readonly url: string; readonly failure: string };

/** Pages written together at most, and the longest a page waits to be written. */
export const WRITE_BATCH_PAGES = 25;
export const WRITE_BATCH_WAIT_MS = 250;

const DUE = Symbol('due');

interface FailedColumns {
  status: 'failed';
  failed_reason: string;
}

/**
 * Writes a crawl's pages as `url` sources of its domain, several pages per transaction: a
 * commit (with its full-text index flush) and the domain's progress row per page were about
 * a fifth of a crawl's CPU. Each page's chunks are still replaced atomically (a transaction
 * holds whole pages), pages are written in the order they were added, and a page waits at
 * most WRITE_BATCH_WAIT_MS, so the progress a person watches moves as before.
 */
export class CrawlWriter {
  /** Every page source of the domain by URL: those found before the crawl, then written. */
  readonly known: Map<string, KbSourceRow>;
  readonly progress = { crawled: 0, failed: 0 };
  readonly #db: Db;
  readonly #domain: KbDomainRow;
  #batch: PageOutcome[] = [];
  /** The URLs in #batch: a page met again is written after its first outcome, not beside it. */
  readonly #batched = new Set<string>();
  #oldest = 0;

  constructor(db: Db, domain: KbDomainRow, known: Map<string, KbSourceRow>) {
    this.#db = db;
    this.#domain = domain;
    this.known = known;
  }

  /** Whether a page's document still has to be written (so embedded), or is unchanged. */
  needsWrite(url: string, document: IndexedDocument): boolean {
    const source = this.known.get(url);
    return source === undefined || !isUnchanged(source, document);
  }

  /** Queues a page; written by the next flush, which is due after WRITE_BATCH_PAGES. */
  async add(outcome: PageOutcome): Promise<void> {
    if (this.#batched.has(outcome.url)) await this.flush();
    if (this.#batch.length === 0) this.#oldest = Date.now();
    this.#batch.push(outcome);
    this.#batched.add(outcome.url);
    if ('failure' in outcome) this.progress.failed += 1;
    else this.progress.crawled += 1;
    if (this.#batch.length >= WRITE_BATCH_PAGES) await this.flush();
  }

  /**
   * Awaits `next` (the crawl's next page), writing the queued pages meanwhile once the
   * oldest has waited WRITE_BATCH_WAIT_MS: a slow page does not hold back the others.
   */
  async whileWaiting<T>(next: Promise<T>): Promise<T> {
    if (this.#batch.length === 0) return next;
    let timer: NodeJS.Timeout | undefined;
    const wait = Math.max(0, this.#oldest + WRITE_BATCH_WAIT_MS - Date.now());
    const due = new Promise<typeof DUE>((resolve) => {
      timer = setTimeout(resolve, wait, DUE);
    });
    try {
      if ((await Promise.race([next, due])) !== DUE) return await next;
    } finally {
      clearTimeout(timer);
    }
    await this.flush();
    return next;
  }

  /** Writes the queued pages and the domain's progress in one transaction. */
  async flush(): Promise<void> {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    this.#batched.clear();
    const now = Date.now();
    const { crawled, failed } = this.progress;
    await inTransaction(this.#db, async ({ db }) => {
      const replaced: number[] = [];
      const rows: ChunkRow[] = [];
      const updates: (() => Promise<unknown>)[] = [];
      for (const outcome of batch) {
        const known = this.known.get(outcome.url);
        if ('failure' in outcome) {
          const failed: FailedColumns = { status: 'failed', failed_reason: outcome.failure };
          if (known === undefined) {
            this.known.set(outcome.url, await this.#insert(db, outcome.url, failed, now));
          } else {
            const update = { ...failed, updated_at: now };
            updates.push(() =>
              db.updateTable('kb_sources').set(update).where('id', '=', known.id).execute(),
            );
          }
          continue;
        }
        const { document, vectors } = outcome;
        if (known === undefined) {
          const columns = trainedColumns(document, nextRefreshAt(null, now), now);
          const source = await this.#insert(db, outcome.url, columns, now);
          this.known.set(outcome.url, source);
          rows.push(...chunkRows(source, document, vectors));
          continue;
        }
        const refresh = nextRefreshAt(known.refresh_frequency, now);
        if (isUnchanged(known, document)) {
          const moved = { last_trained_at: now, next_refresh_at: refresh, updated_at: now };
          updates.push(() =>
            db.updateTable('kb_sources').set(moved).where('id', '=', known.id).execute(),
          );
          continue;
        }
        replaced.push(known.id);
        rows.push(...chunkRows(known, document, vectors));
        const columns = trainedColumns(document, refresh, now);
        updates.push(() =>
          db.updateTable('kb_sources').set(columns).where('id', '=', known.id).execute(),
        );
      }
      if (replaced.length > 0)
        await db.deleteFrom('kb_chunks').where('source_id', 'in', replaced).execute();
      await insertChunks(db, rows);
      for (const update of updates) await update();
      await db
        .updateTable('kb_domains')
        .set({ pages_crawled: crawled, pages_failed: failed })
        .where('id', '=', this.#domain.id)
        .execute();
    });
  }

  async #insert(
    db: Db,
    url: string,
    columns: FailedColumns | TrainedColumns,
    now: number,
  ): Promise<KbSourceRow> {
    const domain = this.#domain;
    return db
      .insertInto('kb_sources')
      .values({
        account_id: domain.account_id,
        kb_id: domain.kb_id,
        domain_id: domain.id,
        type: 'url',
        name: url,
        source: url,
        created_by: domain.created_by,
        created_at: now,
        updated_at: now,
        ...columns,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
