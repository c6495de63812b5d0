import { describe, expect, it } from 'vitest';
import { crawlKey, normaliseUrl } from './url.js';

const key = (href: string, base?: string) => {
  const url = normaliseUrl(href, base);
  return url === undefined ? undefined : crawlKey(url);
};

describe('normaliseUrl and crawlKey', () => {
  it('treats the spellings of one page as one URL', () => {
    const same = [
      'https://Example.COM:443/docs/intro',
      'https://example.com/docs/intro#install',
      'https://example.com/docs/intro/',
      'https://example.com/docs/./guides/../intro',
    ];
    expect(new Set(same.map((href) => key(href)))).toEqual(
      new Set(['https://example.com/docs/intro']),
    );
    expect(normaliseUrl('http://example.com:80/a#b')?.href).toBe('http://example.com/a');
  });

  it('keeps the query but sorts it, and drops an empty one', () => {
    expect(normaliseUrl('https://example.com/s?b=2&a=1')?.href).toBe(
      'https://example.com/s?a=1&b=2',
    );
    expect(key('https://example.com/s?b=2&a=1')).toBe(key('https://example.com/s?a=1&b=2'));
    expect(key('https://example.com/s?a=1')).not.toBe(key('https://example.com/s?a=2'));
    expect(normaliseUrl('https://example.com/s?')?.href).toBe('https://example.com/s');
  });

  it('keeps what tells pages apart: scheme, host, port and path case', () => {
    expect(key('http://example.com/a')).not.toBe(key('https://example.com/a'));
    expect(key('https://example.com:8443/a')).not.toBe(key('https://example.com/a'));
    expect(key('https://example.com/Guide')).not.toBe(key('https://example.com/guide'));
    expect(key('https://example.com/')).toBe('https://example.com/');
  });

  it('resolves relative links and refuses what is not a crawlable page', () => {
    expect(normaliseUrl('../install', 'https://example.com/docs/guides/x')?.href).toBe(
      'https://example.com/docs/install',
    );
    for (const href of [
      'mailto:a@example.com',
      'javascript:void(0)',
      'ftp://example.com/',
      'https://u:p@example.com/',
      'http://[bad',
    ])
      expect(normaliseUrl(href, 'https://example.com/')).toBeUndefined();
  });
});
