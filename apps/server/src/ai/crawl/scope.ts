/**
 * Which URLs a crawl may request. Scope is the exact origin of the start URL (scheme, host
 * and port: never a subdomain, never the same host over the other scheme) and a path
 * prefix; exclude patterns then carve pages out of that scope.
 */

export type ScopeVerdict = 'in-scope' | 'off-scope' | 'excluded';

export interface Scope {
  readonly origin: string;
  /** Always starts and ends with '/'. */
  readonly pathPrefix: string;
  verdict(url: URL): ScopeVerdict;
}

export function createScope(
  start: URL,
  pathPrefix?: string,
  excludePatterns: readonly string[] = [],
): Scope {
  const prefix = directoryPrefix(start, pathPrefix);
  const excluded = excludePatterns.map(compileExclude).filter((test) => test !== undefined);
  return {
    origin: start.origin,
    pathPrefix: prefix,
    verdict(url) {
      if (url.origin !== start.origin) return 'off-scope';
      // The prefix's own directory without its slash (`/docs` for `/docs/`) is in scope too.
      const inPrefix = url.pathname.startsWith(prefix) || url.pathname === prefix.slice(0, -1);
      if (!inPrefix) return 'off-scope';
      const target = url.pathname + url.search;
      let decoded = target;
      try {
        decoded = decodeURI(target);
      } catch {
        // A malformed escape: match the raw form only.
      }
      return excluded.some((test) => test(target) || test(decoded)) ? 'excluded' : 'in-scope';
    },
  };
}

/**
 * The prefix as a directory: `/docs` means `/docs/` (so `/docsify` stays out). Without one,
 * a start URL ending in '/' names its directory, and any other start URL the whole origin.
 * Written through the URL parser so `/docs/ñ/` and `/docs/%C3%B1/` are the same prefix.
 */
function directoryPrefix(start: URL, pathPrefix: string | undefined): string {
  const raw = pathPrefix?.trim() ?? '';
  if (raw === '') return start.pathname.endsWith('/') ? start.pathname : '/';
  const path = new URL(raw.startsWith('/') ? raw : `/${raw}`, start.origin).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * An exclude pattern (WotNot's exclude_urls), matched against path plus query. With a '*'
 * it is a glob over the whole of it ('*' spans slashes: `/blog/*`, `*.pdf`); without, a
 * substring (`/tag/`, `print=1`). A full URL counts by its path, so a pasted
 * `https://example.com/blog/*` works as `/blog/*`.
 */
function compileExclude(pattern: string): ((target: string) => boolean) | undefined {
  let text = pattern.trim();
  if (text === '') return undefined;
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      text = decodeURI(url.pathname) + url.search;
    } catch {
      // Not a parseable URL after all: use it as written.
    }
  }
  if (!text.includes('*')) return (target) => target.includes(text);
  const source = text
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const glob = new RegExp(`^${source}$`, 's');
  return (target) => glob.test(target);
}
