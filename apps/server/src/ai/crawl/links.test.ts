import { describe, expect, it } from 'vitest';
import { extractLinks } from './links.js';

describe('extractLinks', () => {
  it('finds anchor and area hrefs in page order, entity-decoded', () => {
    const links = extractLinks(`
      <A HREF="/one">One</A> <a class=x href=two>Two</a>
      <a title="a > b" href='/three?x=1&amp;y=2'>Three</a>
      <map><area shape=rect href="/four"></map>
      <a name="top">no href</a> <a href="">empty</a> <abbr href="/not-a-link">x</abbr>`);
    expect(links.hrefs).toEqual(['/one', 'two', '/three?x=1&y=2', '/four']);
  });

  it('ignores links inside comments, scripts and styles', () => {
    const links = extractLinks(`
      <!-- <a href="/commented">old</a> -->
      <script>document.write('<a href="/scripted">x</a>')</script>
      <style>a[href="/styled"] { color: red }</style>
      <a href="/real">real</a>`);
    expect(links.hrefs).toEqual(['/real']);
  });

  it('reads the first canonical and base, whatever the rel token order', () => {
    const links = extractLinks(`<head>
      <link rel="stylesheet" href="/site.css">
      <link href="/docs/intro" rel="alternate CANONICAL">
      <link rel="canonical" href="/second">
      <base href="https://example.com/root/"></head>`);
    expect(links.canonical).toBe('/docs/intro');
    expect(links.base).toBe('https://example.com/root/');
    expect(extractLinks('<p>nothing</p>')).toEqual({
      hrefs: [],
      canonical: undefined,
      base: undefined,
    });
  });

  it('stays linear on unclosed comments and scripts', () => {
    const started = Date.now();
    const links = extractLinks(
      `<a href="/before">x</a>${'<script>'.repeat(20_000)}<!--${'<a href="/x">'.repeat(20_000)}`,
    );
    expect(links.hrefs).toEqual(['/before']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
