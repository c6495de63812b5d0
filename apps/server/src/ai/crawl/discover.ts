import type { FetchResult } from './fetch-page.js';
import { ALLOW_ALL, parseRobots, type RobotsRules } from './robots.js';
import { readSitemaps } from './sitemap.js';

/**
 * What a site says about itself before any page is fetched: robots.txt, then the sitemaps
 * it names (or /sitemap.xml). `get` is the crawl's paced, guarded GET; it follows redirects
 * within the origin only (one off it fails without being requested).
 */

export type Get = (url: URL, maxBytes: number) => Promise<FetchResult>;

export type RobotsOutcome =
  | { readonly kind: 'rules'; readonly rules: RobotsRules }
  | { readonly kind: 'unreachable'; readonly url: string; readonly error: string }
  | { readonly kind: 'aborted' };

/**
 * RFC 9309: a robots.txt that is missing (4xx) allows everything; one the server failed to
 * serve (5xx, or no answer at all) means "assume everything is disallowed", since a site
 * in trouble is the one that least wants a crawler.
 */
export async function loadRobots(
  get: Get,
  origin: string,
  userAgent: string,
  maxBytes: number,
): Promise<RobotsOutcome> {
  const url = new URL('/robots.txt', origin);
  const result = await get(url, maxBytes);
  if (result.kind === 'aborted') return result;
  const unreachable = (why: string): RobotsOutcome => ({
    kind: 'unreachable',
    url: url.href,
    error: `robots.txt could not be read (${why}), so nothing was crawled: RFC 9309 says to assume the whole site is disallowed until it can be`,
  });
  if (result.kind === 'failed') return unreachable(result.error);
  const { status } = result.response;
  if (status >= 200 && status <= 299)
    return { kind: 'rules', rules: parseRobots(result.response.text(), userAgent) };
  if (status >= 400 && status <= 499) return { kind: 'rules', rules: ALLOW_ALL };
  return unreachable(`HTTP ${status}`);
}

/**
 * The page URLs the site's sitemaps list. Sitemaps on another origin are not fetched (the
 * crawl never leaves the site); an unreadable sitemap just seeds nothing.
 */
export async function loadSitemapUrls(
  get: Get,
  origin: string,
  robots: RobotsRules,
  maxBytes: number,
): Promise<string[]> {
  const sameOrigin = (url: URL) => url.origin === origin;
  const declared = robots.sitemaps.flatMap((text) => {
    try {
      return [new URL(text, origin)];
    } catch {
      return [];
    }
  });
  // Declared sitemaps are fetchable by declaration; the guessed one only if robots allows it.
  const roots =
    declared.length > 0
      ? declared.filter(sameOrigin)
      : [new URL('/sitemap.xml', origin)].filter((url) => robots.isAllowed(url));
  return readSitemaps(
    roots,
    async (url) => {
      const result = await get(url, maxBytes);
      if (result.kind !== 'response') return undefined;
      const { status, body } = result.response;
      if (!sameOrigin(new URL(result.response.url))) return undefined; // `get` should not allow it
      // Gzipped sitemaps (0x1f 0x8b) are not read: rare on the sites a knowledge base crawls.
      if (status < 200 || status > 299 || (body[0] === 0x1f && body[1] === 0x8b)) return undefined;
      return result.response.text();
    },
    (url) => sameOrigin(url) && robots.isAllowed(url),
  );
}
