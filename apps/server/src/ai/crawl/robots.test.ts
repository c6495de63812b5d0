import { describe, expect, it } from 'vitest';
import { parseRobots, productToken } from './robots.js';

const UA = 'ParleyBot/1.0 (+https://github.com/parley)';
const allowed = (text: string, path: string) =>
  parseRobots(text, UA).isAllowed(new URL(path, 'https://example.com'));

describe('parseRobots', () => {
  it('uses our group when there is one, else the * group', () => {
    const text = 'User-agent: *\nDisallow: /\n\nUser-agent: parleybot\nDisallow: /private/\n';
    expect(allowed(text, '/docs/')).toBe(true);
    expect(allowed(text, '/private/x')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /private/\n', '/private/x')).toBe(false);
    expect(allowed('User-agent: OtherBot\nDisallow: /\n', '/docs/')).toBe(true);
    expect(productToken(UA)).toBe('parleybot');
  });

  it('merges consecutive user-agent lines and repeated groups', () => {
    const text =
      'User-agent: a\nUser-agent: ParleyBot\nDisallow: /x\n\nUser-agent: parleybot\nDisallow: /y\n';
    expect(allowed(text, '/x')).toBe(false);
    expect(allowed(text, '/y')).toBe(false);
    expect(allowed(text, '/z')).toBe(true);
  });

  it('lets the longest pattern win, Allow on a tie, with * and $ wildcards', () => {
    const text =
      'User-agent: *\nDisallow: /docs/\nAllow: /docs/public/\nDisallow: /*.pdf$\nDisallow: /*?print=\nAllow: /same\nDisallow: /same\n';
    expect(allowed(text, '/docs/internal')).toBe(false);
    expect(allowed(text, '/docs/public/page')).toBe(true);
    expect(allowed(text, '/files/a.pdf')).toBe(false);
    expect(allowed(text, '/files/a.pdf?download=1')).toBe(true);
    expect(allowed(text, '/page?print=1')).toBe(false);
    expect(allowed(text, '/same')).toBe(true);
  });

  it('ignores empty Disallow, comments and junk; always allows /robots.txt', () => {
    expect(allowed('User-agent: *\nDisallow:\n', '/anything')).toBe(true);
    expect(allowed('User-agent: * # all\nDisallow: /a # secret\nnonsense\n', '/a/b')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /\n', '/robots.txt')).toBe(true);
    expect(allowed('Disallow: /\n', '/x')).toBe(true); // a rule before any group binds no one
  });

  it('matches non-ASCII and lower-case escapes against the encoded path', () => {
    expect(allowed('User-agent: *\nDisallow: /über/\n', '/über/x')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /%c3%bcber/\n', '/über/x')).toBe(false);
  });

  it('reads Crawl-delay for our group and Sitemap lines anywhere', () => {
    const rules = parseRobots(
      'Sitemap: https://example.com/a.xml\nUser-agent: *\nCrawl-delay: 2.5\nUser-agent: other\nCrawl-delay: 60\nSitemap: https://example.com/b.xml\n',
      UA,
    );
    expect(rules.crawlDelaySeconds).toBe(2.5);
    expect(rules.sitemaps).toEqual(['https://example.com/a.xml', 'https://example.com/b.xml']);
  });
});
