import { crawlKey, normaliseUrl } from './url.js';

/**
 * Resolves a page's hrefs to normalised URLs and crawl keys, remembering the answers for the
 * rest of one crawl. Docs sites repeat the same navigation on every page (about 150 links,
 * nearly all root-relative), and parsing, normalising and keying each of them again was a
 * seventh of a crawl's CPU. Only hrefs whose meaning cannot depend on the page are remembered:
 * absolute http(s) URLs, and root-relative paths per origin (the bases are normalised URLs,
 * so they have no credentials that a path would inherit). Anything else is resolved anew.
 */

export interface ResolvedLink {
  readonly url: URL;
  readonly key: string;
}

/** Remembered hrefs at most: a crawl of a huge site must not grow without bound. */
const MAX_REMEMBERED = 50_000;

// The URL parser drops tabs and newlines and reads '\' as '/' in http(s) URLs, so only a
// second character outside these leaves '/…' a path rather than '//host/…'.
const NOT_PATH_SECOND = new Set(['/', '\\', '\t', '\n', '\r']);
const ABSOLUTE = /^https?:\/\//i;

export class LinkResolver {
  readonly #absolute = new Map<string, ResolvedLink | null>();
  readonly #rooted = new Map<string, Map<string, ResolvedLink | null>>();
  #size = 0;
  // The page's base, asked for ~150 links in a row: its origin is built once.
  #base: URL | undefined;
  #origin = '';

  /** The href resolved against `base` (a normalised URL), or undefined if not crawlable. */
  resolve(href: string, base: URL): ResolvedLink | undefined {
    const memo = this.#memoFor(href, base);
    if (memo === undefined) return resolveLink(href, base);
    const known = memo.get(href);
    if (known !== undefined) return known ?? undefined;
    const resolved = resolveLink(href, base);
    if (this.#size >= MAX_REMEMBERED) this.clear();
    memo.set(href, resolved ?? null);
    this.#size++;
    return resolved;
  }

  clear(): void {
    this.#absolute.clear();
    this.#rooted.clear();
    this.#size = 0;
  }

  #memoFor(href: string, base: URL): Map<string, ResolvedLink | null> | undefined {
    if (ABSOLUTE.test(href)) return this.#absolute;
    if (!href.startsWith('/') || NOT_PATH_SECOND.has(href.charAt(1))) return undefined;
    if (base !== this.#base) {
      this.#base = base;
      this.#origin = base.origin;
    }
    const origin = this.#origin;
    let memo = this.#rooted.get(origin);
    if (memo === undefined) {
      memo = new Map();
      this.#rooted.set(origin, memo);
    }
    return memo;
  }
}

function resolveLink(href: string, base: URL): ResolvedLink | undefined {
  const url = normaliseUrl(href, base);
  return url === undefined ? undefined : { url, key: crawlKey(url) };
}
