/**
 * How the crawler names URLs, so that every page is fetched at most once however it is
 * linked. The WHATWG parser already lowercases scheme and host, drops default ports
 * (:80 on http, :443 on https) and resolves `.`/`..`; on top of that:
 * - the fragment is dropped (`/a#x` is `/a`): it never reaches the server;
 * - the query is kept but its parameters are sorted by name (stable, so repeated names keep
 *   their order) and re-serialised form-style (`?b=2&a=1` is `?a=1&b=2`; a bare `?` goes);
 * - only http(s) URLs without credentials are crawlable (mailto:, javascript:, data: and
 *   `user:pass@` links are ignored);
 * - trailing-slash variants are one page: `/docs` and `/docs/` share a key (see crawlKey),
 *   and whichever form was discovered first is the one requested. Static hosts redirect one
 *   form to the other, so this saves a request and never loses a page.
 * Paths keep their case: servers may treat `/Guide` and `/guide` as different pages.
 */
export function normaliseUrl(href: string, base?: string | URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  url.hash = '';
  url.searchParams.sort();
  return url;
}

/** The identity used for "seen" checks: the normalised URL minus a trailing slash. */
export function crawlKey(url: URL): string {
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  return `${url.origin}${path === '' ? '/' : path}${url.search}`;
}
