import { describe, expect, it } from 'vitest';
import { LinkResolver } from './link-resolver.js';
import { crawlKey, normaliseUrl } from './url.js';

const HREFS = [
  '/docs/install',
  '/docs/install/',
  '/docs/search?b=2&a=1#x',
  '/',
  '#section',
  '',
  'guide',
  '../up',
  '?page=2',
  'https://example.com/docs/',
  'HTTPS://Example.com:443/a#b',
  'http://other.example/x',
  '//other.example/scheme-relative',
  '/\\other.example/backslash',
  '/\t/other.example/tab',
  ' /docs/spaced ',
  'mailto:someone@example.com',
  'javascript:void(0)',
  'https://user:pass@example.com/',
  'http:relative-to-base',
];

const BASES = [
  'https://example.com/docs/guides/page',
  'https://example.com/other/',
  'https://mirror.example:8443/docs/',
  'http://example.com/docs/',
];

describe('LinkResolver', () => {
  it('resolves as normaliseUrl and crawlKey do, whatever was resolved before', () => {
    const resolver = new LinkResolver();
    // Twice over, so that the second pass answers from memory where it may.
    for (let pass = 0; pass < 2; pass++) {
      for (const baseHref of BASES) {
        const base = new URL(baseHref);
        for (const href of HREFS) {
          const expected = normaliseUrl(href, base);
          const got = resolver.resolve(href, base);
          expect(got?.url.href, `${href} on ${baseHref}`).toBe(expected?.href);
          expect(got?.key).toBe(expected === undefined ? undefined : crawlKey(expected));
        }
      }
    }
  });

  it('keeps root-relative paths apart per origin', () => {
    const resolver = new LinkResolver();
    const first = resolver.resolve('/pricing', new URL('https://a.example/docs/'));
    const second = resolver.resolve('/pricing', new URL('https://b.example/docs/'));
    expect(first?.key).toBe('https://a.example/pricing');
    expect(second?.key).toBe('https://b.example/pricing');
  });
});
