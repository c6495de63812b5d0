import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticSite, type StaticSite } from '../../testing/fakes/static-site.js';
import type { CrawledPage } from './crawler.js';
import { crawlAll, pageRequests, type CrawlRun } from './test-support.js';

let site: StaticSite;
let run: CrawlRun;

const okUrls = (pages: readonly CrawledPage[]) =>
  pages.filter((page) => page.ok).map((page) => page.url);
const failure = (path: string) => {
  const page = run.pages.find((each) => each.url === `${site.url}${path}`);
  return page?.ok === false ? page.error : undefined;
};

beforeAll(async () => {
  site = await startStaticSite();
  run = await crawlAll({ startUrl: `${site.url}/`, pageTimeoutMs: 300 });
});

afterAll(async () => {
  await site.close();
});

describe('crawl of a documentation site', () => {
  it('returns every page reachable by sitemap or link, with its depth', () => {
    const paths = okUrls(run.pages).map((url) => url.slice(site.url.length));
    expect(paths.sort()).toEqual(
      [
        '/',
        '/changelog', // linked from the home page only, not in the sitemap
        '/docs/',
        '/docs/configuration',
        '/docs/getting-started',
        '/docs/guides/',
        '/docs/guides/advanced/',
        '/docs/guides/advanced/tuning',
        '/docs/guides/sharing',
        '/docs/install',
        '/docs/search?a=1&b=2',
        '/pricing',
        '/release-notes.txt',
      ].sort(),
    );
    const depth = (path: string) =>
      run.pages.find((page) => page.url === `${site.url}${path}`)?.depth;
    expect([
      depth('/'),
      depth('/changelog'),
      depth('/release-notes.txt'),
      depth('/docs/guides/advanced/tuning'),
    ]).toEqual([0, 1, 2, 3]);
    const notes = run.pages.find((page) => page.url.endsWith('/release-notes.txt'));
    expect(notes).toMatchObject({ ok: true, contentType: 'text/plain' });
    expect(run.pages.find((page) => page.url === `${site.url}/`)).toMatchObject({
      ok: true,
      finalUrl: `${site.url}/`,
      contentType: 'text/html',
      body: expect.stringContaining('<h1>Harbor Documentation</h1>') as unknown,
    });
  });

  it('never leaves the origin, nor enters what robots.txt disallows', () => {
    expect(site.otherSite.requests).toEqual([]);
    expect(run.client.urls.filter((url) => !url.startsWith(`${site.url}/`))).toEqual([]);
    expect(site.hits.filter((hit) => hit.host !== new URL(site.url).host)).toEqual([]);
    expect(site.requests.filter((path) => path.startsWith('/private/'))).toEqual([]);
    expect(run.summary.skippedByRobots).toBe(1);
    expect(run.summary.skippedOffScope).toBe(2); // the community site and the blog
  });

  it('requests each page once, however it was spelled', () => {
    const pages = pageRequests(site.requests);
    expect(pages.length).toBe(new Set(pages).size);
    expect(pages).not.toContain('/docs'); // the sitemap's /docs is /docs/
    expect(pages).not.toContain('/docs/search?b=2&a=1'); // sorted to ?a=1&b=2
    expect(pages.filter((path) => path.startsWith('/docs/install'))).toEqual(['/docs/install']);
  });

  it('counts a page naming a canonical as that page, once', () => {
    const gettingStarted = `${site.url}/docs/getting-started`;
    expect(okUrls(run.pages).filter((url) => url === gettingStarted)).toHaveLength(1);
    expect(run.pages.filter((page) => page.url.includes('/print/'))).toEqual([]);
  });

  it('reports failed pages with reasons a person can act on', () => {
    expect(failure('/broken')).toBe('HTTP 500');
    expect(failure('/loop-a')).toBe('redirect loop');
    // The loop is seen when it closes: each of its URLs was requested once.
    expect(site.requests.filter((path) => path.startsWith('/loop-'))).toEqual([
      '/loop-a',
      '/loop-b',
    ]);
    expect(failure('/hang')).toBe('timed out after 0.3 s');
    expect(failure('/image.png')).toBe('not HTML (image/png)');
    expect(run.pages.filter((page) => !page.ok)).toHaveLength(4);
  });

  it('sums up what it did', () => {
    expect(run.summary).toEqual({
      pagesFetched: 13,
      pagesFailed: 4,
      skippedByRobots: 1,
      skippedOffScope: 2,
      skippedExcluded: 0,
      stoppedBy: 'done',
    });
  });
});
