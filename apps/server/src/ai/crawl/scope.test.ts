import { describe, expect, it } from 'vitest';
import { createScope } from './scope.js';

const verdict = (scope: ReturnType<typeof createScope>, href: string) =>
  scope.verdict(new URL(href));

describe('createScope', () => {
  it('is the exact origin: no subdomain, no other scheme or port', () => {
    const scope = createScope(new URL('https://example.com/'));
    expect(verdict(scope, 'https://example.com/anything')).toBe('in-scope');
    for (const href of [
      'https://www.example.com/',
      'http://example.com/',
      'https://example.com:8443/',
      'https://example.org/',
    ])
      expect(verdict(scope, href)).toBe('off-scope');
  });

  it("defaults the prefix to a start URL's directory, else to the whole origin", () => {
    const docs = createScope(new URL('https://example.com/docs/'));
    expect(docs.pathPrefix).toBe('/docs/');
    expect(verdict(docs, 'https://example.com/docs/a/b')).toBe('in-scope');
    expect(verdict(docs, 'https://example.com/docs')).toBe('in-scope');
    expect(verdict(docs, 'https://example.com/docsify')).toBe('off-scope');
    expect(verdict(docs, 'https://example.com/')).toBe('off-scope');
    expect(createScope(new URL('https://example.com/docs/intro')).pathPrefix).toBe('/');
  });

  it('reads an explicit prefix as a directory', () => {
    const scope = createScope(new URL('https://example.com/'), 'help');
    expect(scope.pathPrefix).toBe('/help/');
    expect(verdict(scope, 'https://example.com/helpers')).toBe('off-scope');
    expect(createScope(new URL('https://example.com/'), '/über').pathPrefix).toBe('/%C3%BCber/');
  });

  it('excludes by glob or substring over path and query', () => {
    const scope = createScope(new URL('https://example.com/'), undefined, [
      '/blog/*',
      '*.pdf',
      'print=1',
      'https://example.com/tag/*',
      ' ',
    ]);
    expect(verdict(scope, 'https://example.com/blog/2024/post')).toBe('excluded');
    expect(verdict(scope, 'https://example.com/blog')).toBe('in-scope');
    expect(verdict(scope, 'https://example.com/files/manual.pdf')).toBe('excluded');
    expect(verdict(scope, 'https://example.com/docs?print=1')).toBe('excluded');
    expect(verdict(scope, 'https://example.com/tag/news')).toBe('excluded');
    expect(verdict(scope, 'https://example.com/docs/intro')).toBe('in-scope');
  });
});
