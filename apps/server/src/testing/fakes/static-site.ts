import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './webhook-transport.js';

/**
 * A small documentation site ("Harbor", a self-hosted file-sync tool) on 127.0.0.1 for
 * crawler and knowledge-base tests: robots.txt (Disallow: /private/, a Sitemap line), a
 * sitemap index, docs nested three levels deep, a page reachable only by links, a page
 * naming another as canonical, query and fragment variants, and the traps a crawler must
 * survive: a redirect loop, an HTTP 500, a request that never answers, an image. A second
 * server stands for "another site" so tests can prove it was never contacted.
 */

export interface StaticSiteOptions {
  /** Delay before each page answers (robots.txt and sitemaps answer at once). */
  readonly latencyMs?: number;
  /** Adds `Crawl-delay: <seconds>` to robots.txt. */
  readonly crawlDelaySeconds?: number;
  /** Link the trap pages from the home page (default true). Off for quick, clean crawls. */
  readonly traps?: boolean;
}

export interface SiteHit {
  readonly host: string;
  readonly path: string;
  readonly at: number;
}

export interface StaticSite {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** Path and query of every request, in arrival order. */
  readonly requests: string[];
  readonly hits: SiteHit[];
  /** The most requests that were open at once. */
  readonly inFlightMax: number;
  /** The "other site" (http://localhost:<other port>) the home page links to. */
  readonly otherSite: { readonly url: string; readonly requests: string[] };
  /** Replaces a page's HTML, or with null makes it answer 404. */
  setPage(path: string, html: string | null): void;
  close(): Promise<void>;
}

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title} · Harbor Docs</title>${head}</head>
<body>
<nav><a href="/">Home</a> <a href="/docs/">Documentation</a> <a href="/pricing">Pricing</a></nav>
<main>
${body}
</main>
<footer><p>© Harbor Labs. Documentation licensed CC BY 4.0.</p></footer>
</body>
</html>
`;
}

function pages(other: string, traps: boolean): Map<string, string> {
  const trapLinks = traps
    ? `<h2>Legacy links</h2>
<ul><li><a href="/broken">Status dashboard</a></li><li><a href="/loop-a">Old forum</a></li>
<li><a href="/hang">Live metrics</a></li><li><a href="/image.png">Architecture diagram</a></li></ul>`
    : '';
  return new Map([
    [
      '/',
      page(
        'Home',
        `<h1>Harbor Documentation</h1>
<p>Harbor keeps files in sync across your laptops, servers and phones without handing them to
a third party. You run the Harbor server on hardware you control; clients connect to it over
an encrypted channel and exchange only the blocks that changed.</p>
<h2 id="features">Features</h2>
<p>Selective sync, shared folders with per-member permissions, version history for 90 days,
and end-to-end encryption for folders marked private. Jump to <a href="#features">features</a>.</p>
<h2>Start here</h2>
<ul>
<li><a href="/docs/getting-started">Getting started</a> (<a href="/print/getting-started">printable</a>)</li>
<li><a href="/docs/install#linux">Install on Linux</a></li>
<li><a href="/docs/search?b=2&amp;a=1">Search the documentation</a></li>
<li><a href="/changelog">What's new in Harbor 3.2</a></li>
<li><a href="/private/secret">Staff area</a></li>
<li><a href="mailto:support@harbor.example">Email support</a></li>
</ul>
<h2>Community</h2>
<p>Ask questions on the <a href="${other}/">community site</a> or read the
<a href="https://example.org/">project blog</a>.</p>
${trapLinks}`,
      ),
    ],
    [
      '/docs/',
      page(
        'Documentation',
        `<h1>Documentation</h1>
<p>These guides cover installing the Harbor server, connecting clients and running Harbor
for a team. If you are new, read <a href="getting-started">Getting started</a> first.</p>
<ul><li><a href="install">Installation</a></li><li><a href="configuration">Configuration</a></li>
<li><a href="guides/">Guides</a></li></ul>`,
      ),
    ],
    [
      '/docs/getting-started',
      page(
        'Getting started',
        `<h1>Getting started</h1>
<p>Harbor has two parts: the server, which stores the canonical copy of every shared folder,
and the clients, which keep a local copy in sync. Install the server first, then add clients.</p>
<h2>Create your first folder</h2>
<p>Open the web console at port 8384, choose <em>Add folder</em>, give it a name and pick who may
access it. Clients that sign in with an invited account see the folder within a minute.</p>
<h2>Next steps</h2>
<p>Read the <a href="/docs/install">installation guide</a> for production setups, browse the
<a href="/docs/guides/">guides</a>, or <a href="/docs/search?a=1&amp;b=2">search</a>.</p>`,
      ),
    ],
    [
      '/print/getting-started',
      page(
        'Getting started (print)',
        `<h1>Getting started</h1>
<p>Harbor has two parts: the server and the clients. This is the printer-friendly copy of the
getting started guide.</p>`,
        '<link rel="canonical" href="/docs/getting-started">',
      ),
    ],
    [
      '/docs/install',
      page(
        'Installation',
        `<h1>Installation</h1>
<p>The server ships as a single binary for Linux, macOS and Windows, and as a container image.
It needs 512 MB of memory and disk space for the data you intend to store.</p>
<h2 id="linux">Linux</h2>
<p>Download the archive, unpack it to /opt/harbor and enable the bundled systemd unit with
<code>systemctl enable --now harbor</code>. The server listens on port 8384.</p>
<h2 id="docker">Docker</h2>
<p>Run <code>docker run -p 8384:8384 -v harbor-data:/data harbor/server:3.2</code>. Mount a
volume at /data or your files disappear with the container.</p>`,
      ),
    ],
    [
      '/docs/configuration',
      page(
        'Configuration',
        `<h1>Configuration</h1>
<p>Harbor reads harbor.toml from its data directory. Every setting can also be given as an
environment variable: <code>HARBOR_LISTEN</code>, <code>HARBOR_DATA_DIR</code> and so on.</p>
<h2>Retention</h2>
<p>Deleted files are kept for 30 days and old versions for 90 days. Set
<code>retention.versions_days</code> to change that; 0 keeps versions forever.</p>`,
      ),
    ],
    [
      '/docs/guides/',
      page(
        'Guides',
        `<h1>Guides</h1>
<p>Task-oriented walkthroughs for common setups.</p>
<ul><li><a href="sharing">Sharing folders with a team</a></li>
<li><a href="advanced/">Advanced topics</a></li></ul>`,
      ),
    ],
    [
      '/docs/guides/sharing',
      page(
        'Sharing folders',
        `<h1>Sharing folders with a team</h1>
<p>Invite members from the folder's <em>Members</em> tab. Each member is a viewer, an editor or
an owner; only owners can invite others or delete the folder.</p>
<p>Links to a single file can be shared with people outside the team and expire after seven
days unless you choose otherwise.</p>`,
      ),
    ],
    [
      '/docs/guides/advanced/',
      page(
        'Advanced topics',
        `<h1>Advanced topics</h1>
<p>For large deployments: <a href="tuning">performance tuning</a>.</p>`,
      ),
    ],
    [
      '/docs/guides/advanced/tuning',
      page(
        'Performance tuning',
        `<h1>Performance tuning</h1>
<p>With more than a million files per folder, raise <code>scanner.workers</code> to the number
of CPU cores and put the database on an SSD. Block size is chosen automatically.</p>`,
      ),
    ],
    [
      '/docs/search',
      page('Search', `<h1>Search</h1><p>Type a question to search the Harbor documentation.</p>`),
    ],
    [
      '/pricing',
      page(
        'Pricing',
        `<h1>Pricing</h1>
<p>Harbor is free for personal use on up to five devices. The Team plan costs $4 per user per
month and adds shared folders, audit logs and single sign-on.</p>`,
      ),
    ],
    [
      '/changelog',
      page(
        'Changelog',
        `<h1>What's new in Harbor 3.2</h1>
<p>Harbor 3.2 adds selective sync on mobile, halves memory use on the server and fixes a crash
when renaming folders with emoji in their names. Full notes:
<a href="/release-notes.txt">release-notes.txt</a>.</p>`,
      ),
    ],
    [
      '/private/secret',
      page('Staff only', '<h1>Staff only</h1><p>Internal runbooks. Crawlers keep out.</p>'),
    ],
  ]);
}

const RELEASE_NOTES = `Harbor 3.2 release notes\n\n- Selective sync on iOS and Android.\n- Server memory use halved for folders with many small files.\n- Fixed: renaming a folder whose name contains emoji crashed the scanner.\n`;

export async function startStaticSite(options: StaticSiteOptions = {}): Promise<StaticSite> {
  const otherRequests: string[] = [];
  const otherServer = http.createServer((request, response) => {
    otherRequests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page('Community', '<h1>Harbor community</h1><a href="/">Home</a>'));
  });
  const otherPort = new URL(await listenOnLoopback(otherServer)).port;
  const other = `http://localhost:${otherPort}`;

  const requests: string[] = [];
  const hits: SiteHit[] = [];
  const overrides = new Map<string, string | null>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let inFlightMax = 0;
  let url = '';
  let site = new Map<string, string>();

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const target = new URL(request.url ?? '/', url);
    const html = overrides.has(target.pathname)
      ? overrides.get(target.pathname)
      : site.get(target.pathname);
    const send = (status: number, type: string, body: string | Buffer, headers = {}) => {
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    };
    const redirect = (location: string, status = 302) => {
      send(status, 'text/html', '', { location });
    };
    if (html === null)
      send(404, 'text/html; charset=utf-8', page('Not found', '<h1>Not found</h1>'));
    else if (html !== undefined) send(200, 'text/html; charset=utf-8', html);
    else if (target.pathname === '/docs' || target.pathname === '/docs/guides')
      redirect(`${target.pathname}/`, 301);
    else if (target.pathname === '/loop-a') redirect('/loop-b');
    else if (target.pathname === '/loop-b') redirect('/loop-a');
    else if (target.pathname === '/old-docs') redirect(`${other}/docs/`, 301);
    else if (target.pathname === '/broken') send(500, 'text/plain', 'Internal Server Error');
    else if (target.pathname === '/image.png') send(200, 'image/png', PNG);
    else if (target.pathname === '/release-notes.txt')
      send(200, 'text/plain; charset=utf-8', RELEASE_NOTES);
    else if (target.pathname === '/hang')
      return; // never answers; close() cuts it off
    else send(404, 'text/html; charset=utf-8', page('Not found', '<h1>Not found</h1>'));
  };

  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    hits.push({ host: request.headers.host ?? '', path, at: Date.now() });
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    response.on('close', () => {
      inFlight--;
    });
    const pathname = new URL(path, url).pathname;
    if (pathname === '/robots.txt') {
      const delay =
        options.crawlDelaySeconds === undefined
          ? ''
          : `Crawl-delay: ${options.crawlDelaySeconds}\n`;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(
        `# Harbor docs\nUser-agent: *\nDisallow: /private/\n${delay}\nSitemap: ${url}/sitemap.xml\n`,
      );
      return;
    }
    if (pathname === '/sitemap.xml' || pathname.startsWith('/sitemaps/')) {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(sitemap(url, pathname));
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(request, response);
    }, options.latencyMs ?? 0);
    timers.add(timer);
  });
  url = await listenOnLoopback(server);
  site = pages(other, options.traps ?? true);

  return {
    url,
    requests,
    hits,
    get inFlightMax() {
      return inFlightMax;
    },
    otherSite: { url: other, requests: otherRequests },
    setPage(path, html) {
      overrides.set(path, html);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        [server, otherServer].map(
          (each) =>
            new Promise<void>((resolve) => {
              each.close(() => {
                resolve();
              });
              // The /hang request (and any a crawler abandoned) would keep close() waiting.
              each.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function sitemap(url: string, pathname: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';
  if (pathname === '/sitemap.xml')
    return `${head}<sitemapindex ${ns}>\n<sitemap><loc>${url}/sitemaps/docs.xml</loc></sitemap>\n<sitemap><loc>${url}/sitemaps/site.xml</loc></sitemap>\n</sitemapindex>\n`;
  const paths =
    pathname === '/sitemaps/docs.xml'
      ? ['/docs/', '/docs/getting-started', '/docs/install', '/docs/configuration', '/docs/guides/']
      : pathname === '/sitemaps/site.xml'
        ? ['/', '/docs', '/pricing', '/docs/guides/sharing']
        : [];
  const entries = paths.map(
    (path) => `<url><loc>${url}${path}</loc><lastmod>2025-01-15</lastmod></url>`,
  );
  return `${head}<urlset ${ns}>\n${entries.join('\n')}\n</urlset>\n`;
}
