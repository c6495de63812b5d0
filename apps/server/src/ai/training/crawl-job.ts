import { z } from 'zod';
import type { ServiceContext } from '../../core/context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { crawl, type CrawledPage, type CrawlOptions, type CrawlSummary } from '../crawl/crawler.js';
import { nextRefreshAt, refreshFrequencies } from '../knowledge-base-settings.js';
import type { KbDomainRow, KbSourceRow } from '../store/kb-tables.js';
import { CrawlWriter, type PageOutcome } from './crawl-writer.js';
import { embedChunks } from './index-chunks.js';
import { mapAhead } from './map-ahead.js';
import type { PageDocument } from './page-document.js';
import { PagePool } from './page-pool.js';
import type { TrainingDependencies } from './train-job.js';

/** The longest one domain may crawl and train before it stops with that reason. */
export const CRAWL_BUDGET_MS = 30 * 60 * 1_000;

export interface CrawlDependencies extends TrainingDependencies {
  /** Crawl limits and politeness (tests shorten timeouts). */
  readonly crawl?: Partial<Omit<CrawlOptions, 'startUrl' | 'excludePatterns' | 'signal'>>;
  /** Worker threads extracting and chunking pages (0: all on the main thread). */
  readonly pageWorkers?: number;
}

const patterns = z.array(z.string()).catch([]);
const frequency = z.enum(refreshFrequencies).nullable().catch(null);

/**
 * `kb.crawl`: crawls a domain and trains each page as a `url` source of it, as pages
 * arrive: while the crawler fetches, the pages found are extracted and chunked on worker
 * threads (PagePool) and written several per transaction (CrawlWriter), in the order the
 * crawler found them. Re-syncing is the same job: a page whose text is unchanged (by hash)
 * keeps its chunks, a changed one has its chunks replaced, a new one is added, and a page the
 * crawl no longer finds (gone, or now failing with 404) is removed with its chunks. Failed
 * pages are kept as failed sources with their reason. A refresh frequency schedules the next
 * run.
 */
export function crawlJob(
  context: ServiceContext,
  deps: CrawlDependencies,
): JobDefinition<'kb.crawl'> {
  return {
    name: 'kb.crawl',
    payload: z.object({
      accountId: z.number().int().positive(),
      domainId: z.number().int().positive(),
    }),
    handle: async ({ accountId, domainId }) => {
      const db = context.db;
      const domain = await db
        .selectFrom('kb_domains')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', domainId)
        .executeTakeFirst();
      if (domain === undefined) return;
      await db
        .updateTable('kb_domains')
        .set({
          status: 'in-progress',
          failed_reason: null,
          pages_crawled: 0,
          pages_failed: 0,
          updated_at: Date.now(),
        })
        .where('id', '=', domain.id)
        .execute();
      const known = new Map(
        (
          await db.selectFrom('kb_sources').selectAll().where('domain_id', '=', domain.id).execute()
        ).map((row) => [row.source, row]),
      );
      const writer = new CrawlWriter(db, domain, known);
      const seen = new Set<string>();
      const pages = crawl(deps.http, {
        ...deps.crawl,
        startUrl: domain.url,
        excludePatterns: patterns.parse(JSON.parse(domain.exclude_urls)),
        signal: AbortSignal.timeout(CRAWL_BUDGET_MS),
      });
      const pool = new PagePool({ size: deps.pageWorkers });
      // A few pages ahead per worker: none waits for the next page while one is written.
      const ahead = 2 * pool.size + 2;
      const documents: AsyncIterator<PageResult, CrawlSummary> = mapAhead(
        pages,
        (page) => pageResult(page, pool),
        ahead,
      );
      try {
        let step = await documents.next();
        while (step.done !== true) {
          const { url, result } = step.value;
          seen.add(url);
          await writer.add(await pageOutcome(url, result, writer, deps));
          step = await writer.whileWaiting(documents.next());
        }
        await writer.flush();
        await finish(context, domain, step.value.stoppedBy, known, seen, writer.progress);
      } finally {
        // Ended early by an error: the crawl stops too (a no-op after a whole run).
        await documents.return?.().catch(() => undefined);
        await pool.close();
      }
    },
  };
}

/** A crawled page as its source URL and its document (or why it has none). */
interface PageResult {
  readonly url: string;
  readonly result: PageDocument;
}

async function pageResult(page: CrawledPage, pool: PagePool): Promise<PageResult> {
  if (!page.ok) return { url: page.url, result: { failure: page.error } };
  const url = page.finalUrl;
  return { url, result: await pool.document(page, url) };
}

/** What to write for a page: its document and, when it changed, its vectors. */
async function pageOutcome(
  url: string,
  result: PageDocument,
  writer: CrawlWriter,
  deps: CrawlDependencies,
): Promise<PageOutcome> {
  if ('failure' in result) return { url, failure: result.failure };
  const { document } = result;
  // An unchanged page keeps its chunks and vectors: the provider is not asked again.
  const vectors = writer.needsWrite(url, document)
    ? await embedChunks(document, deps.embedder)
    : undefined;
  return { url, document, vectors };
}

async function finish(
  context: ServiceContext,
  domain: KbDomainRow,
  stoppedBy: 'done' | 'max-pages' | 'aborted',
  known: ReadonlyMap<string, KbSourceRow>,
  seen: ReadonlySet<string>,
  progress: { crawled: number; failed: number },
): Promise<void> {
  const db = context.db;
  // Only a crawl that ran to its end knows what vanished; a stopped one removes nothing.
  if (stoppedBy === 'done') {
    const vanished = [...known.values()]
      .filter((row) => !seen.has(row.source))
      .map((row) => row.id);
    if (vanished.length > 0)
      await db.deleteFrom('kb_sources').where('id', 'in', vanished).execute();
  }
  // Pages that now fail with "not found" have vanished too.
  await db
    .deleteFrom('kb_sources')
    .where('domain_id', '=', domain.id)
    .where('status', '=', 'failed')
    .where('failed_reason', '=', 'HTTP 404')
    .execute();
  const { chunks } = await db
    .selectFrom('kb_sources')
    .select((eb) =>
      eb.fn.coalesce(eb.fn.sum<number | string>('chunk_count'), eb.lit(0)).as('chunks'),
    )
    .where('domain_id', '=', domain.id)
    .executeTakeFirstOrThrow();
  const now = Date.now();
  const refresh = nextRefreshAt(frequency.parse(domain.refresh_frequency), now);
  const failed = progress.crawled === 0;
  await db
    .updateTable('kb_domains')
    .set({
      status: failed ? 'failed' : 'trained',
      failed_reason: failed
        ? stoppedBy === 'aborted'
          ? 'the crawl took too long and was stopped'
          : 'no page of the site could be read (see the failed pages)'
        : null,
      chunks_indexed: Number(chunks),
      last_trained_at: failed ? domain.last_trained_at : now,
      next_refresh_at: refresh,
      updated_at: now,
    })
    .where('id', '=', domain.id)
    .execute();
  if (refresh !== null) {
    await context.queue.enqueue(
      'kb.crawl',
      { accountId: domain.account_id, domainId: domain.id },
      {
        runAt: refresh,
        accountId: domain.account_id,
        idempotencyKey: `kb.crawl:${String(domain.id)}:${String(refresh)}`,
      },
    );
  }
}
