import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { GuardedConnectionPool } from '../../security/guarded-pool.js';
import { loadRobots, loadSitemapUrls, type Get } from './discover.js';
import {
  fetchPage,
  fetchResource,
  type FetchLimits,
  type PageResult,
  type RedirectVerdict,
} from './fetch-page.js';
import { Frontier, type FrontierEntry } from './frontier.js';
import { LinkResolver } from './link-resolver.js';
import { extractLinks } from './links.js';
import { Pacer, whenAborted } from './pacer.js';
import { ROBOTS_MAX_BYTES } from './robots.js';
import { createScope } from './scope.js';
import { SITEMAP_MAX_BYTES } from './sitemap.js';
import { crawlKey, normaliseUrl } from './url.js';

/**
 * The domain crawler behind website knowledge bases: robots.txt first, then the sitemaps
 * seed the queue, then links are followed breadth-first, within one origin and path prefix.
 * Pages are yielded as they arrive so the caller can index while the crawl goes on; the
 * generator's return value is the summary. Every request goes through the guarded client,
 * one per redirect hop: a redirect is judged before its target is requested, so the crawl
 * never sends a request off its origin (nor, for pages, outside its scope or robots.txt).
 */

export interface CrawlOptions {
  readonly startUrl: string;
  /** Only URLs under this path. Default: startUrl's path if it ends in '/', else all. */
  readonly pathPrefix?: string;
  /** Globs ('*' spans anything) or substrings, matched against path plus query. */
  readonly excludePatterns?: readonly string[];
  /** Page requests at most (failed ones count). Default 500. */
  readonly maxPages?: number;
  /** Links from the start page (and sitemap entries) are depth 1. Default 5. */
  readonly maxDepth?: number;
  /** Requests open at once. Default 4. */
  readonly concurrency?: number;
  /** Least time between request starts; robots.txt Crawl-delay wins if larger (up to 5 s). */
  readonly delayMs?: number;
  /** Per page, redirects and body included. Default 15 s. */
  readonly pageTimeoutMs?: number;
  /** Larger pages fail. Default 5 MiB. */
  readonly maxPageBytes?: number;
  readonly userAgent?: string;
  /** Ends the crawl promptly (the job's time budget). */
  readonly signal?: AbortSignal;
}

export type CrawledPage =
  | {
      readonly ok: true;
      /** The page's identity: its canonical URL when it names one in scope, else the URL requested. */
      readonly url: string;
      /** Where the body came from (after redirects). */
      readonly finalUrl: string;
      readonly depth: number;
      /** The media type without parameters: text/html, application/xhtml+xml or text/plain. */
      readonly contentType: string;
      readonly body: string;
    }
  | { readonly ok: false; readonly url: string; readonly depth: number; readonly error: string };

export interface CrawlSummary {
  pagesFetched: number;
  pagesFailed: number;
  skippedByRobots: number;
  skippedOffScope: number;
  skippedExcluded: number;
  stoppedBy: 'done' | 'max-pages' | 'aborted';
}

export const CRAWL_DEFAULTS: Readonly<
  Required<Omit<CrawlOptions, 'startUrl' | 'pathPrefix' | 'excludePatterns' | 'signal'>>
> = {
  maxPages: 500,
  maxDepth: 5,
  concurrency: 4,
  delayMs: 100,
  pageTimeoutMs: 15_000,
  maxPageBytes: 5 * 1024 * 1024,
  userAgent: 'ParleyBot/1.0 (+https://github.com/parley)',
};

/** A site's Crawl-delay is honoured up to this; a larger one would stall a crawl for hours. */
const MAX_CRAWL_DELAY_MS = 5_000;

export async function* crawl(
  http: GuardedHttpClient,
  options: CrawlOptions,
): AsyncGenerator<CrawledPage, CrawlSummary> {
  const start = normaliseUrl(options.startUrl);
  if (start === undefined) throw new TypeError(`not an http(s) URL: ${options.startUrl}`);
  const maxPages = whole(options.maxPages, CRAWL_DEFAULTS.maxPages, 1);
  const maxDepth = whole(options.maxDepth, CRAWL_DEFAULTS.maxDepth, 0);
  const concurrency = whole(options.concurrency, CRAWL_DEFAULTS.concurrency, 1);
  const delayMs = whole(options.delayMs, CRAWL_DEFAULTS.delayMs, 0);
  const userAgent = options.userAgent ?? CRAWL_DEFAULTS.userAgent;
  // Our own controller also ends waits and pending requests when the caller stops iterating.
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, ...(options.signal ? [options.signal] : [])]);
  const pacer = new Pacer(delayMs);
  // The crawl's own kept-alive connections, to its one site: closed when it ends.
  const connections = new GuardedConnectionPool();
  const limits: FetchLimits = {
    userAgent,
    signal,
    pacer,
    connections,
    timeoutMs: whole(options.pageTimeoutMs, CRAWL_DEFAULTS.pageTimeoutMs, 1),
    maxBytes: whole(options.maxPageBytes, CRAWL_DEFAULTS.maxPageBytes, 1),
  };
  // robots.txt and sitemaps may move within the origin, never off it.
  const sameOrigin = (target: URL): RedirectVerdict =>
    target.origin === start.origin ? 'follow' : 'off-site';
  const get: Get = (url, maxBytes) =>
    fetchResource(http, url, { ...limits, maxBytes, redirects: sameOrigin });
  const summary: CrawlSummary = {
    pagesFetched: 0,
    pagesFailed: 0,
    skippedByRobots: 0,
    skippedOffScope: 0,
    skippedExcluded: 0,
    stoppedBy: 'done',
  };
  try {
    const robots = await loadRobots(get, start.origin, userAgent, ROBOTS_MAX_BYTES);
    if (robots.kind === 'aborted') return { ...summary, stoppedBy: 'aborted' };
    if (robots.kind === 'unreachable') {
      yield { ok: false, url: robots.url, depth: 0, error: robots.error };
      return { ...summary, pagesFailed: 1, skippedByRobots: 1 };
    }
    const crawlDelayMs = (robots.rules.crawlDelaySeconds ?? 0) * 1000;
    pacer.intervalMs = Math.max(delayMs, Math.min(crawlDelayMs, MAX_CRAWL_DELAY_MS));
    const scope = createScope(start, options.pathPrefix, options.excludePatterns);
    const frontier = new Frontier(scope, robots.rules, maxDepth);
    const resolver = new LinkResolver();
    // A page's redirect is followed only where a link to the target would be.
    const pageLimits: FetchLimits = {
      ...limits,
      redirects(target) {
        const verdict = scope.verdict(target);
        if (verdict === 'off-scope') return 'off-site';
        return verdict === 'excluded' || !robots.rules.isAllowed(target) ? 'skip' : 'follow';
      },
    };
    frontier.offer(start, 0);
    const seeds = await loadSitemapUrls(get, start.origin, robots.rules, SITEMAP_MAX_BYTES);
    for (const seed of seeds) {
      const url = normaliseUrl(seed, start);
      if (url !== undefined) frontier.offer(url, 1);
    }

    const aborted = whenAborted(signal);
    const inFlight = new Map<number, Promise<{ id: number; page: CrawledPage | undefined }>>();
    let started = 0;
    try {
      for (;;) {
        while (inFlight.size < concurrency && started < maxPages && !signal.aborted) {
          const entry = frontier.take();
          if (entry === undefined) break;
          const id = started++;
          const visit = async () => {
            const result: PageResult = await fetchPage(http, entry.url, pageLimits);
            return { id, page: settle(entry, result, frontier, resolver) };
          };
          inFlight.set(id, visit());
        }
        if (inFlight.size === 0 || signal.aborted) break;
        const next = await Promise.race([...inFlight.values(), aborted.promise]);
        if (next === 'aborted') break;
        inFlight.delete(next.id);
        // Both may have settled by now; an abort wins (a function call: TS would narrow the property).
        if (next.page === undefined || isAborted(signal)) continue;
        if (next.page.ok) summary.pagesFetched++;
        else summary.pagesFailed++;
        yield next.page;
      }
    } finally {
      aborted.dispose();
    }
    const stoppedBy = signal.aborted
      ? 'aborted'
      : started >= maxPages && frontier.pending
        ? 'max-pages'
        : 'done';
    return { ...summary, ...frontier.counts, stoppedBy };
  } finally {
    stop.abort();
    connections.close();
  }
}

/**
 * A fetch's outcome as the caller sees it, or undefined when the page is not one of its
 * own: a duplicate of a page already had, or a redirect into robots-excluded or excluded
 * ground (refused by fetchPage before it was requested, with the target as its finalUrl).
 * Links found on it are queued either way.
 */
function settle(
  entry: FrontierEntry,
  result: PageResult,
  frontier: Frontier,
  resolver: LinkResolver,
): CrawledPage | undefined {
  const { url, depth } = entry;
  if (result.kind === 'aborted') return undefined;
  const fail = (error: string): CrawledPage => ({ ok: false, url: url.href, depth, error });
  const final = result.finalUrl === undefined ? url : (normaliseUrl(result.finalUrl) ?? url);
  if (crawlKey(final) !== crawlKey(url)) {
    const claim = frontier.claim(final);
    if (claim === 'off-scope') {
      const hint = depth === 0 ? ' (to crawl that site, start the crawl there)' : '';
      return fail(`redirected off the site to ${final.href}${hint}`);
    }
    if (claim !== 'claimed') return undefined;
  }
  if (result.kind === 'failed') return fail(result.error);
  let identity = url.href;
  if (result.html) {
    const links = extractLinks(result.body);
    const base = (links.base === undefined ? undefined : normaliseUrl(links.base, final)) ?? final;
    for (const href of links.hrefs) {
      const link = resolver.resolve(href, base);
      if (link !== undefined) frontier.offer(link.url, depth + 1, link.key);
    }
    const canonical =
      links.canonical === undefined ? undefined : normaliseUrl(links.canonical, base);
    const named = canonical === undefined ? undefined : crawlKey(canonical);
    if (canonical !== undefined && named !== crawlKey(url) && named !== crawlKey(final)) {
      const claim = frontier.claim(canonical);
      if (claim === 'duplicate') return undefined;
      // A canonical the crawl may not have (another site, excluded) leaves the page as itself.
      if (claim === 'claimed') identity = canonical.href;
    }
  }
  const { finalUrl, contentType, body } = result;
  return { ok: true, url: identity, finalUrl, depth, contentType, body };
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** An option as a whole number no smaller than `min`; anything unusable is the default. */
function whole(value: number | undefined, fallback: number, min: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.max(min, Math.floor(value));
}
