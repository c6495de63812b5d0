import { afterEach, describe, expect, it } from 'vitest';
import { pageDocument, type PageBody } from './page-document.js';
import { PagePool } from './page-pool.js';

const section = (n: number) => `
  <h2>Section ${String(n)}</h2>
  <p>Refunds for plan ${String(n)} take ${String(n + 2)} days. Don't ask twice; it's automatic.</p>
  <ul><li>First point of ${String(n)}</li><li>Second point, with "quotes"</li></ul>
  <pre><code>  const plan = ${String(n)};\n  refund(plan);</code></pre>
  <table><tr><th>Plan</th><th>Days</th></tr><tr><td>P${String(n)}</td><td>${String(n)}</td></tr></table>`;

const html = (body: string, title = 'Docs') =>
  `<!doctype html><html><head><title>${title}</title></head><body>` +
  `<nav><a href="/a">A</a><a href="/b">B</a></nav><main><h1>${title}</h1>${body}</main></body></html>`;

const PAGES: { page: PageBody; url: string }[] = [
  { url: 'https://docs.example/a', page: page(html(section(1))) },
  // Long enough to be cut into several chunks.
  {
    url: 'https://docs.example/long',
    page: page(html(Array.from({ length: 40 }, (_, n) => section(n)).join(''), 'Long')),
  },
  { url: 'https://docs.example/cjk', page: page(html('<p>日本語のテキスト。次の文です。</p>')) },
  { url: 'https://docs.example/special', page: page(html('<p><|endoftext|> is text.</p>')) },
  { url: 'https://docs.example/empty', page: page(html('')) },
  {
    url: 'https://docs.example/notes.txt',
    page: {
      finalUrl: 'https://docs.example/notes.txt',
      contentType: 'text/plain',
      body: 'Plain notes.\n\nSecond paragraph.',
    },
  },
];

function page(body: string): PageBody {
  return { finalUrl: 'https://docs.example/final', contentType: 'text/html', body };
}

const pools: PagePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('PagePool', () => {
  it('gives the same documents and failures on its workers as on the main thread', async () => {
    const pool = new PagePool({ size: 2 });
    pools.push(pool);
    expect(await pool.prestart()).toBe(true);
    const here = await Promise.all(PAGES.map(({ page, url }) => pageDocument(page, url)));
    const there = await Promise.all(PAGES.map(({ page, url }) => pool.document(page, url)));
    expect(there).toEqual(here);
    expect(here.at(4)).toEqual({ failure: 'no extractable text' });
    const long = here.at(1);
    expect(
      long !== undefined && 'document' in long ? long.document.chunks.length : 0,
    ).toBeGreaterThan(1);
  }, 60_000);

  it('does the pages on the main thread before a worker is ready, and without workers', async () => {
    const booting = new PagePool({ size: 1 });
    const none = new PagePool({ size: 0 });
    pools.push(booting, none);
    const [first] = PAGES;
    if (first === undefined) throw new Error('no page');
    const expected = await pageDocument(first.page, first.url);
    expect(await booting.document(first.page, first.url)).toEqual(expected);
    expect(await none.document(first.page, first.url)).toEqual(expected);
    expect(await none.prestart()).toBe(false);
  });

  it('refuses pages once closed', async () => {
    const pool = new PagePool({ size: 0 });
    await pool.close();
    const [first] = PAGES;
    if (first === undefined) throw new Error('no page');
    await expect(pool.document(first.page, first.url)).rejects.toThrow('closed');
  });

  it('fails a page that outlives its time limit and carries on with a new worker', async () => {
    const pool = new PagePool({ size: 1, pageTimeoutMs: 30 });
    pools.push(pool);
    expect(await pool.prestart()).toBe(true);
    // Thousands of sections: far more than 30 ms of extraction and chunking.
    const huge = page(html(Array.from({ length: 3_000 }, (_, n) => section(n)).join('')));
    expect(await pool.document(huge, 'https://docs.example/huge')).toEqual({
      failure: 'reading the page took longer than 30 ms',
    });
    const [first] = PAGES;
    if (first === undefined) throw new Error('no page');
    expect(await pool.document(first.page, first.url)).toEqual(
      await pageDocument(first.page, first.url),
    );
  }, 60_000);
});
