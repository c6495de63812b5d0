import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStaticSite, type StaticSite } from '../../testing/fakes/static-site.js';
import { createTestApp, postJson, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';

describe.each(DIALECTS)('knowledge base training on %s', (dialect) => {
  let t: TestApp;
  let site: StaticSite;
  beforeEach(async () => {
    site = await startStaticSite();
    t = await createTestApp(
      dialect,
      {},
      {
        runtime: { knowledge: { crawl: { pageTimeoutMs: 1_000, delayMs: 0, concurrency: 4 } } },
      },
    );
    await t.runtime.startWorkers();
  });
  afterEach(async () => {
    await t.close();
    await site.close();
  });

  const post = (url: string, body: unknown) => postJson(t, url, body);
  const createKb = async () =>
    (await post('/v1/ai/knowledge-base', { name: 'Docs' })).json<{ id: number }>().id;
  const domainOf = (id: number) =>
    t.runtime.database.db
      .selectFrom('kb_domains')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const pagesOf = (domainId: number) =>
    t.runtime.database.db
      .selectFrom('kb_sources')
      .selectAll()
      .where('domain_id', '=', domainId)
      .orderBy('source')
      .execute();
  const chunksOf = (sourceIds: number[]) =>
    sourceIds.length === 0
      ? Promise.resolve([])
      : t.runtime.database.db
          .selectFrom('kb_chunks')
          .select(['id', 'source_id'])
          .where('source_id', 'in', sourceIds)
          .execute();
  const crawled = async (domainId: number, after = 0) => {
    await waitFor(
      async () => {
        const domain = await domainOf(domainId);
        return domain.status !== 'in-progress' && (domain.last_trained_at ?? 0) > after;
      },
      30_000,
      'the domain to finish training',
    );
    return domainOf(domainId);
  };

  it('crawls the site in scope, reports failed pages, and trains the domain', async () => {
    const kb = await createKb();
    const added = await post(`/v1/ai/knowledge-base/${String(kb)}/data-sources/domain`, {
      type: 'domain',
      url: site.url,
      exclude_urls: '/changelog',
      refresh_frequency: null,
    });
    expect(added.statusCode).toBe(200);
    const { domain_id } = added.json<{ domain_id: number }>();
    const domain = await crawled(domain_id);
    expect(domain.status).toBe('trained');
    expect(domain.chunks_indexed).toBeGreaterThan(0);

    const pages = await pagesOf(domain_id);
    const byPath = new Map(pages.map((page) => [new URL(page.source).pathname, page]));
    expect(byPath.get('/docs/install')?.status).toBe('trained');
    expect(byPath.get('/docs/guides/advanced/tuning')?.status).toBe('trained');
    expect(byPath.get('/broken')).toMatchObject({ status: 'failed', failed_reason: 'HTTP 500' });
    expect(byPath.get('/loop-a')?.failed_reason ?? byPath.get('/loop-b')?.failed_reason).toMatch(
      /redirect loop/,
    );
    expect(byPath.get('/hang')).toMatchObject({ status: 'failed' });
    expect(byPath.get('/hang')?.failed_reason).toMatch(/timed out/);
    expect(byPath.has('/private/secret')).toBe(false);
    expect(byPath.has('/changelog')).toBe(false);
    // Nothing off the origin was fetched, and robots.txt kept the crawler out of /private/.
    expect(site.otherSite.requests).toEqual([]);
    expect(site.requests.some((path) => path.startsWith('/private/'))).toBe(false);
    expect(pages.every((page) => page.source.startsWith(site.url))).toBe(true);
    // The pages are searchable with their title and URL for citations.
    const chunk = await t.runtime.database.db
      .selectFrom('kb_chunks')
      .select(['title', 'url'])
      .where('source_id', '=', byPath.get('/docs/install')?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(chunk.url).toBe(`${site.url}/docs/install`);
    expect(chunk.title).not.toBe('');
  }, 60_000);

  it('re-syncs: an unchanged site adds nothing, a changed page replaces only its chunks, a deleted page goes', async () => {
    const kb = await createKb();
    const { domain_id } = (
      await post(`/v1/ai/knowledge-base/${String(kb)}/data-sources/domain`, {
        url: `${site.url}/docs/`,
      })
    ).json<{ domain_id: number }>();
    const first = await crawled(domain_id);
    const before = await pagesOf(domain_id);
    const chunksBefore = await chunksOf(before.map((page) => page.id));
    const resync = () =>
      t.runtime.queue.enqueue('kb.crawl', { accountId: t.first.account.id, domainId: domain_id });

    await resync();
    const second = await crawled(domain_id, first.last_trained_at ?? 0);
    const unchanged = await chunksOf((await pagesOf(domain_id)).map((page) => page.id));
    expect(unchanged.map((chunk) => chunk.id).sort()).toEqual(
      chunksBefore.map((chunk) => chunk.id).sort(),
    );

    const install = before.find((page) => page.source.endsWith('/docs/install'));
    const configuration = before.find((page) => page.source.endsWith('/docs/configuration'));
    if (install === undefined || configuration === undefined) throw new Error('pages missing');
    site.setPage(
      '/docs/install',
      '<html><head><title>Install</title></head><body><main><h1>Install</h1><p>Installation now needs a licence key from the billing page.</p></main></body></html>',
    );
    site.setPage('/docs/configuration', null);
    await resync();
    await crawled(domain_id, second.last_trained_at ?? 0);
    const after = await pagesOf(domain_id);
    const chunksAfter = await chunksOf(after.map((page) => page.id));
    expect(after.some((page) => page.id === configuration.id)).toBe(false);
    const kept = (source: number) =>
      chunksBefore.filter((chunk) => chunk.source_id === source).map((chunk) => chunk.id);
    for (const page of after.filter(
      (page) => page.id !== install.id && page.status === 'trained',
    )) {
      expect(
        chunksAfter.filter((chunk) => chunk.source_id === page.id).map((chunk) => chunk.id),
      ).toEqual(kept(page.id));
    }
    const newInstall = chunksAfter
      .filter((chunk) => chunk.source_id === install.id)
      .map((chunk) => chunk.id);
    expect(newInstall.length).toBeGreaterThan(0);
    expect(newInstall.some((id) => kept(install.id).includes(id))).toBe(false);
    expect(chunksAfter.filter((chunk) => chunk.source_id === configuration.id)).toEqual([]);
  }, 90_000);
});
