import { describe, expect, it } from 'vitest';
import { parseSitemap, readSitemaps } from './sitemap.js';

const urlset = (...locs: string[]) =>
  `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
    .map((loc) => `<url><loc>${loc}</loc><lastmod>2025-01-01</lastmod></url>`)
    .join('')}</urlset>`;

describe('parseSitemap', () => {
  it('lists page locations, decoding entities and CDATA', () => {
    const xml = urlset('https://example.com/a?x=1&amp;y=2', ' https://example.com/b ').replace(
      '</urlset>',
      '<url><loc><![CDATA[https://example.com/c]]></loc></url></urlset>',
    );
    expect(parseSitemap(xml)).toEqual({
      index: false,
      locations: [
        'https://example.com/a?x=1&y=2',
        'https://example.com/b',
        'https://example.com/c',
      ],
    });
  });

  it('recognises an index, namespace prefixes included', () => {
    const xml =
      '<sm:sitemapindex xmlns:sm="x"><sm:sitemap><sm:loc>https://example.com/s1.xml</sm:loc></sm:sitemap></sm:sitemapindex>';
    expect(parseSitemap(xml)).toEqual({ index: true, locations: ['https://example.com/s1.xml'] });
  });
});

describe('readSitemaps', () => {
  it('follows index files to their children, only where allowed, each once', async () => {
    const files: Record<string, string> = {
      'https://example.com/sitemap.xml': `<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>https://cdn.example.net/s2.xml</loc></sitemap><sitemap><loc>https://example.com/sitemap.xml</loc></sitemap></sitemapindex>`,
      'https://example.com/s1.xml': urlset('https://example.com/a', 'https://example.com/b'),
      'https://cdn.example.net/s2.xml': urlset('https://example.com/never'),
    };
    const read: string[] = [];
    const pages = await readSitemaps(
      [new URL('https://example.com/sitemap.xml')],
      (url) => {
        read.push(url.href);
        return Promise.resolve(files[url.href]);
      },
      (url) => url.origin === 'https://example.com',
    );
    expect(pages).toEqual(['https://example.com/a', 'https://example.com/b']);
    expect(read).toEqual(['https://example.com/sitemap.xml', 'https://example.com/s1.xml']);
  });

  it('treats a missing sitemap as no seeds', async () => {
    const pages = await readSitemaps(
      [new URL('https://example.com/sitemap.xml')],
      () => Promise.resolve(undefined),
      () => true,
    );
    expect(pages).toEqual([]);
  });
});
