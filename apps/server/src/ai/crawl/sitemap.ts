/**
 * sitemap.xml (sitemaps.org): a `<urlset>` lists pages, a `<sitemapindex>` lists more
 * sitemaps. Only `<loc>` matters to the crawler (lastmod and priority are hints it does not
 * use), so a scan for it is enough and tolerates the sloppy XML real sites serve.
 */

export interface ParsedSitemap {
  readonly index: boolean;
  readonly locations: readonly string[];
}

/** The protocol's own ceilings: 50,000 URLs per file, and an index of as many files. */
export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_FILES = 50;
/** Bigger files are read this far (a cut-off file still yields the URLs before the cut). */
export const SITEMAP_MAX_BYTES = 16 * 1024 * 1024;

const LOC =
  /<(?:[\w-]+:)?loc\s*>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))\s*<\/(?:[\w-]+:)?loc\s*>/gi;

export function parseSitemap(xml: string): ParsedSitemap {
  const index = /<(?:[\w-]+:)?sitemapindex[\s>]/i.test(xml);
  const locations: string[] = [];
  for (const match of xml.matchAll(LOC)) {
    const text = decodeXml((match[1] ?? match[2] ?? '').trim());
    if (text !== '') locations.push(text);
  }
  return { index, locations };
}

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-f]+|#\d+);/gi, (whole, entity: string) => {
    switch (entity.toLowerCase()) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code =
      entity.startsWith('#x') || entity.startsWith('#X')
        ? parseInt(entity.slice(2), 16)
        : Number(entity.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Walks sitemaps breadth-first from `roots`, following index files to their children, and
 * returns the page URLs in the order listed. `read` answers a sitemap's text, or undefined
 * when it could not be had (a site without a sitemap is normal, so that is not an error);
 * `follow` says whether a listed sitemap may be fetched at all (same origin only).
 */
export async function readSitemaps(
  roots: readonly URL[],
  read: (url: URL) => Promise<string | undefined>,
  follow: (url: URL) => boolean,
): Promise<string[]> {
  const queue = [...roots];
  const visited = new Set<string>();
  const pages: string[] = [];
  while (queue.length > 0 && visited.size < SITEMAP_MAX_FILES && pages.length < SITEMAP_MAX_URLS) {
    const url = queue.shift();
    if (url === undefined || visited.has(url.href)) continue;
    visited.add(url.href);
    const xml = await read(url);
    if (xml === undefined) continue;
    const sitemap = parseSitemap(xml);
    for (const location of sitemap.locations) {
      if (!sitemap.index) {
        if (pages.length < SITEMAP_MAX_URLS) pages.push(location);
        continue;
      }
      let child: URL;
      try {
        child = new URL(location, url);
      } catch {
        continue;
      }
      if (follow(child)) queue.push(child);
    }
  }
  return pages;
}
