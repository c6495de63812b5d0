import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startStaticSite, type StaticSite } from '../../testing/fakes/static-site.js';
import { listenOnLoopback } from '../../testing/fakes/webhook-transport.js';
import { crawl } from './crawler.js';
import { crawlAll, pageRequests, RecordingClient } from './test-support.js';

let site: StaticSite | undefined;
const open = async (...args: Parameters<typeof startStaticSite>) => {
  site = await startStaticSite(...args);
  return site;
};

afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** Servers a test started itself, closed by closeAll. */
const servers = {
  open: [] as http.Server[],
  add(server: http.Server): http.Server {
    this.open.push(server);
    return server;
  },
};
const otherRequests: string[] = [];
const siteRequests: string[] = [];

async function closeAll(): Promise<void> {
  await Promise.all(
    servers.open.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
  otherRequests.length = 0;
  siteRequests.length = 0;
}

/** "Another site": answers anything, and notes that it was asked. */
function recording(into: string[]): http.Server {
  return servers.add(
    http.createServer((request, response) => {
      into.push(request.url ?? '/');
      response.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>');
    }),
  );
}

/**
 * A site of redirects: robots.txt and a sitemap that moved, a chain of five and one of six
 * (relative Locations), and redirects into robots-disallowed, excluded and non-web targets.
 */
function redirecting(elsewhere: string): http.Server {
  let self = '';
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    siteRequests.push(path);
    self ||= `http://${request.headers.host ?? ''}`;
    const moved = (location: string) => response.writeHead(302, { location }).end();
    const chain = /^\/(short|long)\/(\d)$/.exec(path);
    if (path === '/robots.txt') moved('/meta/robots.txt');
    else if (path === '/meta/robots.txt')
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`User-agent: *\nDisallow: /private/\nSitemap: ${self}/old-sitemap.xml\n`);
    else if (path === '/old-sitemap.xml') moved(`${elsewhere}/sitemap.xml`);
    else if (path === '/to-private') moved('/private/page');
    else if (path === '/to-excluded') moved('/drafts/page');
    else if (path === '/to-mail') moved('mailto:help@example.com');
    else if (chain !== null && Number(chain[2]) < (chain[1] === 'short' ? 5 : 6))
      moved(String(Number(chain[2]) + 1));
    else
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          path === '/'
            ? ['/to-private', '/to-excluded', '/to-mail', '/short/0', '/long/0']
                .map((href) => `<a href="${href}">${href}</a>`)
                .join('\n')
            : `<p>${path}</p>`,
        );
  });
  return servers.add(server);
}

describe('crawl limits', () => {
  it('stops at maxPages, saying so', async () => {
    const { url, requests } = await open({ traps: false });
    const { pages, summary } = await crawlAll({ startUrl: url, maxPages: 3 });
    expect(pages).toHaveLength(3);
    expect(pageRequests(requests)).toHaveLength(3);
    expect(summary).toMatchObject({ pagesFetched: 3, stoppedBy: 'max-pages' });
  });

  it('goes no deeper than maxDepth (sitemap entries count as depth 1)', async () => {
    const { url, requests } = await open({ traps: false });
    const { pages } = await crawlAll({ startUrl: url, maxDepth: 2 });
    expect(Math.max(...pages.map((page) => page.depth))).toBe(2);
    expect(requests).toContain('/docs/guides/advanced/');
    expect(requests).not.toContain('/docs/guides/advanced/tuning');
    const home = await crawlAll({ startUrl: url, maxDepth: 0 });
    expect(home.pages.map((page) => page.url)).toEqual([`${url}/`]);
  });

  it('stays under the start directory, or the path prefix given', async () => {
    const { url, requests } = await open({ traps: false });
    const docs = await crawlAll({ startUrl: `${url}/docs/` });
    expect(docs.pages.length).toBeGreaterThan(5);
    expect(docs.pages.every((page) => page.url.startsWith(`${url}/docs/`))).toBe(true);
    expect(pageRequests(requests).every((path) => path.startsWith('/docs/'))).toBe(true);
    expect(docs.summary.skippedOffScope).toBeGreaterThan(0);
    const guides = await crawlAll({ startUrl: `${url}/docs/guides/`, pathPrefix: '/docs/guides' });
    expect(guides.pages.map((page) => page.url.slice(url.length)).sort()).toEqual([
      '/docs/guides/',
      '/docs/guides/advanced/',
      '/docs/guides/advanced/tuning',
      '/docs/guides/sharing',
    ]);
  });

  it('skips URLs matching an exclude pattern without requesting them', async () => {
    const { url, requests } = await open({ traps: false });
    const { pages, summary } = await crawlAll({
      startUrl: url,
      excludePatterns: ['/docs/guides/*', 'changelog'],
    });
    expect(
      requests.filter((path) => path.startsWith('/docs/guides') || path === '/changelog'),
    ).toEqual([]);
    expect(pages.some((page) => page.url.endsWith('/docs/install'))).toBe(true);
    expect(summary.skippedExcluded).toBe(3); // guides/, guides/sharing, changelog
  });

  it('keeps at most `concurrency` requests open', async () => {
    const { url } = await open({ traps: false, latencyMs: 40 });
    await crawlAll({ startUrl: url, concurrency: 2 });
    expect(site?.inFlightMax).toBe(2);
  });

  it('spaces request starts by delayMs, or by a larger Crawl-delay', async () => {
    const gaps = (times: readonly number[]) => times.slice(1).map((at, i) => at - (times[i] ?? 0));
    const { url } = await open({ traps: false });
    const paced = await crawlAll({ startUrl: url, delayMs: 80, concurrency: 4, maxPages: 4 });
    // Timers may fire a millisecond or two early against Date.now(): a small tolerance.
    expect(Math.min(...gaps(paced.client.startedAt))).toBeGreaterThanOrEqual(75);
    await site?.close();
    const slow = await open({ traps: false, crawlDelaySeconds: 0.15 });
    const polite = await crawlAll({ startUrl: slow.url, delayMs: 10, concurrency: 4, maxPages: 3 });
    expect(Math.min(...gaps(polite.client.startedAt))).toBeGreaterThanOrEqual(145);
  });

  it('stops promptly when the signal aborts, with pages still in flight', async () => {
    const { url } = await open({ latencyMs: 5_000 });
    const controller = new AbortController();
    const generator = crawl(new RecordingClient(), {
      startUrl: url,
      signal: controller.signal,
      delayMs: 0,
    });
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = Date.now();
      controller.abort();
    }, 200);
    const first = await generator.next();
    expect(first).toMatchObject({ done: true, value: { stoppedBy: 'aborted', pagesFetched: 0 } });
    expect(Date.now() - abortedAt).toBeLessThan(2_000); // not the 5 s the pages would take (slack for a loaded machine)
    const before = await crawlAll({ startUrl: url, signal: AbortSignal.abort() });
    expect(before.summary.stoppedBy).toBe('aborted');
    expect(before.client.urls).toEqual([]);
  });

  it('stops requesting when the caller stops iterating', async () => {
    const { url, requests } = await open({ traps: false, latencyMs: 20 });
    for await (const page of crawl(new RecordingClient(), {
      startUrl: url,
      delayMs: 0,
      concurrency: 1,
    })) {
      expect(page.ok).toBe(true);
      break;
    }
    const seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(requests.length).toBe(seen);
  });
});

describe('crawl edge cases', () => {
  it('fails a start page that redirects off the site, naming where, without going there', async () => {
    const { url, otherSite } = await open({ traps: false });
    const { pages, client } = await crawlAll({ startUrl: `${url}/old-docs`, maxDepth: 0 });
    expect(otherSite.requests).toEqual([]);
    expect(client.urls.filter((each) => !each.startsWith(`${url}/`))).toEqual([]);
    expect(pages).toEqual([
      {
        ok: false,
        url: `${url}/old-docs`,
        depth: 0,
        error: `redirected off the site to ${otherSite.url}/docs/ (to crawl that site, start the crawl there)`,
      },
    ]);
  });

  it('follows a redirect within the site, one request per hop', async () => {
    const { url, requests } = await open({ traps: false });
    const { pages } = await crawlAll({ startUrl: `${url}/docs`, maxDepth: 0 });
    expect(pages).toMatchObject([{ ok: true, url: `${url}/docs`, finalUrl: `${url}/docs/` }]);
    expect(pageRequests(requests)).toEqual(['/docs', '/docs/']);
  });

  it('judges every redirect before requesting its target', async () => {
    const elsewhere = await listenOnLoopback(recording(otherRequests));
    const home = await listenOnLoopback(redirecting(elsewhere));
    try {
      const { pages, summary } = await crawlAll({
        startUrl: `${home}/`,
        excludePatterns: ['/drafts/'],
      });
      const outcome = (path: string) => {
        const page = pages.find((each) => each.url === `${home}${path}`);
        return page?.ok === true ? page.finalUrl : page?.error;
      };
      expect(outcome('/short/0')).toBe(`${home}/short/5`); // five redirects are fine
      expect(outcome('/long/0')).toBe('more than 5 redirects');
      expect(outcome('/to-mail')).toBe(
        'redirected to mailto:help@example.com, which is not a web page',
      );
      // Redirects into robots-disallowed or excluded ground end the page quietly, as links would.
      expect(pages.map((page) => page.url).sort()).toEqual(
        ['/', '/long/0', '/short/0', '/to-mail'].map((path) => `${home}${path}`),
      );
      expect(summary).toMatchObject({ skippedByRobots: 1, skippedExcluded: 1, pagesFetched: 2 });
      expect(siteRequests).not.toContain('/private/page');
      expect(siteRequests).not.toContain('/drafts/page');
      expect(siteRequests).not.toContain('/long/6');
      expect(siteRequests.filter((path) => path.startsWith('/short/'))).toHaveLength(6);
      // robots.txt moved within the site (its Disallow applied); the sitemap moved off it.
      expect(siteRequests.slice(0, 2)).toEqual(['/robots.txt', '/meta/robots.txt']);
      expect(siteRequests).toContain('/old-sitemap.xml');
      expect(otherRequests).toEqual([]);
    } finally {
      await closeAll();
    }
  });

  it('crawls nothing when robots.txt redirects off the site, and never goes there', async () => {
    const elsewhere = await listenOnLoopback(recording(otherRequests));
    const home = await listenOnLoopback(
      servers.add(
        http.createServer((_request, response) => {
          response.writeHead(301, { location: `${elsewhere}/robots.txt` }).end();
        }),
      ),
    );
    try {
      const { pages, client } = await crawlAll({ startUrl: home });
      expect(pages).toMatchObject([
        {
          ok: false,
          url: `${home}/robots.txt`,
          error: expect.stringMatching(
            /^robots\.txt could not be read \(redirected off the site to http:\/\/127\.0\.0\.1:\d+\/robots\.txt\)/,
          ) as unknown,
        },
      ]);
      expect(client.urls).toEqual([`${home}/robots.txt`]);
      expect(otherRequests).toEqual([]);
    } finally {
      await closeAll();
    }
  });

  it('fails pages over maxPageBytes, and sees changed pages on the next crawl', async () => {
    const { url } = await open({ traps: false });
    const small = await crawlAll({ startUrl: url, maxPageBytes: 1024, maxDepth: 0 });
    expect(small.pages).toMatchObject([{ ok: false, error: 'larger than 1 KiB' }]);
    site?.setPage('/pricing', null);
    site?.setPage(
      '/changelog',
      '<html><body><h1>3.3</h1><a href="/docs/new-page">New</a></body></html>',
    );
    site?.setPage('/docs/new-page', '<html><body><h1>New</h1></body></html>');
    const { pages } = await crawlAll({ startUrl: url });
    expect(pages.find((page) => page.url === `${url}/pricing`)).toMatchObject({
      ok: false,
      error: 'HTTP 404',
    });
    expect(pages.find((page) => page.url === `${url}/docs/new-page`)).toMatchObject({
      ok: true,
      depth: 2,
    });
  });

  it('crawls nothing when robots.txt cannot be read, and says why', async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(503).end();
    });
    const url = await listenOnLoopback(server);
    try {
      const { pages, summary, client } = await crawlAll({ startUrl: url });
      expect(pages).toEqual([
        {
          ok: false,
          url: `${url}/robots.txt`,
          depth: 0,
          error: expect.stringMatching(/^robots\.txt could not be read \(HTTP 503\)/) as unknown,
        },
      ]);
      expect(summary).toMatchObject({ pagesFetched: 0, pagesFailed: 1, stoppedBy: 'done' });
      expect(client.urls).toEqual([`${url}/robots.txt`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
