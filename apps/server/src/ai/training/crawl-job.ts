import { z } from 'zod';
import type { ServiceContext } from '../../core/context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { crawl, type CrawlOptions } from '../crawl/crawler.js';
import { ExtractionError } from '../ingest/errors.js';
import { extractHtml } from '../ingest/html.js';
import { extractDocument } from '../ingest/extract.js';
import { nextRefreshAt, refreshFrequencies } from '../knowledge-base-settings.js';
import type { KbDomainRow, KbSourceRow } from '../store/kb-tables.js';
import { indexDocument } from './index-chunks.js';
import { indexable, SourceFailure } from './source-document.js';
import type { TrainingDependencies } from './train-job.js';

/** The longest one domain may crawl and train before it stops with that reason. */
export const CRAWL_BUDGET_MS = 30 * 60 * 1_000;

export interface CrawlDependencies extends TrainingDependencies {
  /** Crawl limits and politeness (tests shorten timeouts). */
  readonly crawl?: Partial<Omit<CrawlOptions, 'startUrl' | 'excludePatterns' | 'signal'>>;
}

const patterns = z.array(z.string()).catch([]);
const frequency = z.enum(refreshFrequencies).nullable().catch(null);

/**
 * `kb.crawl`: crawls a domain and trains each page as a `url` source of it, as pages
 * arrive. Re-syncing is the same job: a page whose text is unchanged (by hash) keeps its
 * chunks, a changed one has its chunks replaced, a new one is added, and a page the crawl
 * no longer finds (gone, or now failing with 404) is removed with its chunks. Failed pages
 * are kept as failed sources with their reason. A refresh frequency schedules the next run.
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
      const seen = new Set<string>();
      const progress = { crawled: 0, failed: 0 };
      const pages = crawl(deps.http, {
        ...deps.crawl,
        startUrl: domain.url,
        excludePatterns: patterns.parse(JSON.parse(domain.exclude_urls)),
        signal: AbortSignal.timeout(CRAWL_BUDGET_MS),
      });
      let step = await pages.next();
      while (step.done !== true) {
        const page = step.value;
        const url = page.ok ? page.finalUrl : page.url;
        seen.add(url);
        const source = known.get(url) ?? (await insertPage(context, domain, url));
        known.set(url, source);
        try {
          if (!page.ok) throw new SourceFailure(page.error);
          const document = page.contentType.includes('html')
            ? extractHtml(page.body, page.finalUrl)
            : await extractDocument({
                bytes: Buffer.from(page.body, 'utf8'),
                filename: 'page.txt',
                mime: 'text/plain',
              });
          await indexDocument(db, source, indexable(document, page.finalUrl, url), deps.embedder);
          progress.crawled += 1;
        } catch (error) {
          if (!(error instanceof SourceFailure || error instanceof ExtractionError)) throw error;
          progress.failed += 1;
          await db
            .updateTable('kb_sources')
            .set({ status: 'failed', failed_reason: error.message, updated_at: Date.now() })
            .where('id', '=', source.id)
            .execute();
        }
        await db
          .updateTable('kb_domains')
          .set({ pages_crawled: progress.crawled, pages_failed: progress.failed })
          .where('id', '=', domain.id)
          .execute();
        step = await pages.next();
      }
      await finish(context, domain, step.value.stoppedBy, known, seen, progress);
    },
  };
}

async function insertPage(
  context: ServiceContext,
  domain: KbDomainRow,
  url: string,
): Promise<KbSourceRow> {
  const now = Date.now();
  return context.db
    .insertInto('kb_sources')
    .values({
      account_id: domain.account_id,
      kb_id: domain.kb_id,
      domain_id: domain.id,
      type: 'url',
      name: url,
      source: url,
      status: 'in-progress',
      created_by: domain.created_by,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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
