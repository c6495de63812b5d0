import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../storage/database.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import { createKnowledgeBase } from '../eval/scratch-kb.js';
import type { KbDomainRow, KbSourceRow } from '../store/kb-tables.js';
import { CrawlWriter, WRITE_BATCH_PAGES, WRITE_BATCH_WAIT_MS } from './crawl-writer.js';
import type { IndexedDocument } from './index-chunks.js';

const url = (n: number) => `https://docs.example/page-${String(n)}`;

function document(n: number, version = 1): IndexedDocument {
  const texts = [`Page ${String(n)} says ${String(version)}.`, `More of page ${String(n)}.`];
  return {
    title: `Page ${String(n)}`,
    url: url(n),
    hash: `hash-${String(n)}-${String(version)}`,
    chunks: texts.map((text, ordinal) => ({ text, tokens: 5, section: 'S', ordinal })),
  };
}

describe.each(DIALECTS)('CrawlWriter on %s', (dialect) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let domain: KbDomainRow;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = testDatabase.open();
    const kb = await createKnowledgeBase(database, 'Docs');
    const now = Date.now();
    domain = await database.db
      .insertInto('kb_domains')
      .values({
        account_id: kb.accountId,
        kb_id: kb.kbId,
        url: 'https://docs.example/',
        exclude_urls: '[]',
        refresh_frequency: null,
        status: 'in-progress',
        failed_reason: null,
        request_id: 'r1',
        last_trained_at: null,
        next_refresh_at: null,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const db = () => database.db;
  const sources = async () =>
    new Map(
      (
        await db().selectFrom('kb_sources').selectAll().where('domain_id', '=', domain.id).execute()
      ).map((row): [string, KbSourceRow] => [row.source, row]),
    );
  const chunksOf = (sourceId: number) =>
    db()
      .selectFrom('kb_chunks')
      .select(['id', 'text'])
      .where('source_id', '=', sourceId)
      .orderBy('ordinal')
      .execute();
  const progress = () =>
    db()
      .selectFrom('kb_domains')
      .select(['pages_crawled', 'pages_failed'])
      .where('id', '=', domain.id)
      .executeTakeFirstOrThrow();

  it('writes new, unchanged, changed and failed pages, several per transaction', async () => {
    const first = new CrawlWriter(db(), domain, new Map());
    for (let n = 0; n < WRITE_BATCH_PAGES; n++)
      await first.add({ url: url(n), document: document(n), vectors: undefined });
    // A full batch is written at once, progress with it.
    expect(await progress()).toEqual({ pages_crawled: WRITE_BATCH_PAGES, pages_failed: 0 });
    await first.add({ url: url(90), failure: 'HTTP 500' });
    await first.add({ url: url(91), document: document(91), vectors: undefined });
    expect((await sources()).size).toBe(WRITE_BATCH_PAGES);
    await first.flush();
    expect(await progress()).toEqual({ pages_crawled: WRITE_BATCH_PAGES + 1, pages_failed: 1 });
    const written = await sources();
    expect(written.get(url(90))).toMatchObject({ status: 'failed', failed_reason: 'HTTP 500' });
    expect(written.get(url(3))).toMatchObject({
      status: 'trained',
      title: 'Page 3',
      chunk_count: 2,
      token_count: 10,
      content_hash: 'hash-3-1',
    });
    expect((await chunksOf(written.get(url(3))?.id ?? 0)).map((chunk) => chunk.text)).toEqual([
      'Page 3 says 1.',
      'More of page 3.',
    ]);

    // A re-sync: page 1 changed, page 2 now fails, page 90 is back, the rest are unchanged.
    const before = await sources();
    const kept = await chunksOf(before.get(url(4))?.id ?? 0);
    const resync = new CrawlWriter(db(), domain, before);
    expect(resync.needsWrite(url(4), document(4))).toBe(false);
    expect(resync.needsWrite(url(1), document(1, 2))).toBe(true);
    await resync.add({ url: url(1), document: document(1, 2), vectors: undefined });
    await resync.add({ url: url(2), failure: 'HTTP 503' });
    await resync.add({ url: url(4), document: document(4), vectors: undefined });
    await resync.add({ url: url(90), document: document(90), vectors: undefined });
    await resync.flush();
    const after = await sources();
    expect(after.size).toBe(before.size);
    expect(await chunksOf(after.get(url(4))?.id ?? 0)).toEqual(kept);
    expect(after.get(url(4))?.last_trained_at).toBeGreaterThanOrEqual(
      before.get(url(4))?.last_trained_at ?? 0,
    );
    expect((await chunksOf(after.get(url(1))?.id ?? 0)).map((chunk) => chunk.text)).toEqual([
      'Page 1 says 2.',
      'More of page 1.',
    ]);
    expect(after.get(url(2))).toMatchObject({ status: 'failed', failed_reason: 'HTTP 503' });
    expect(after.get(url(90))).toMatchObject({ status: 'trained', failed_reason: null });
    expect(await chunksOf(after.get(url(90))?.id ?? 0)).toHaveLength(2);
  });

  it('writes a page met twice in one batch as its last outcome, with no chunks left over', async () => {
    const writer = new CrawlWriter(db(), domain, await sources());
    await writer.add({ url: url(200), document: document(200, 1), vectors: undefined });
    await writer.add({ url: url(200), document: document(200, 2), vectors: undefined });
    await writer.flush();
    const source = (await sources()).get(url(200));
    expect(source?.content_hash).toBe('hash-200-2');
    expect((await chunksOf(source?.id ?? 0)).map((chunk) => chunk.text)).toEqual([
      'Page 200 says 2.',
      'More of page 200.',
    ]);
  });

  it('writes waiting pages while the crawl is slow to find the next one', async () => {
    const writer = new CrawlWriter(db(), domain, await sources());
    await writer.add({ url: url(300), document: document(300), vectors: undefined });
    const slow = new Promise((resolve) => setTimeout(resolve, WRITE_BATCH_WAIT_MS * 4, 'next'));
    const waited = writer.whileWaiting(slow);
    await new Promise((resolve) => setTimeout(resolve, WRITE_BATCH_WAIT_MS * 2));
    expect((await sources()).get(url(300))?.status).toBe('trained');
    expect(await waited).toBe('next');
  });
});
