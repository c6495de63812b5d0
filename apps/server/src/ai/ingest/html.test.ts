import { describe, expect, it } from 'vitest';
import { renderBlock } from './chunk.js';
import { extractHtml } from './html.js';

const page = `<!DOCTYPE html>
<html lang="de-DE">
<head>
  <meta charset="utf-8">
  <title>Preise &amp; Tarife – Acme</title>
  <link rel="canonical" href="/de/preise?ref=nav#top">
  <style>.x { color: red }</style>
  <script>window.tracking = "SHOULD NOT APPEAR";</script>
</head>
<body>
  <header class="site-header"><a href="/">Acme</a><nav><a href="/de/produkte">Produkte</a></nav></header>
  <div id="cookie-banner">Wir verwenden Cookies. <button>Akzeptieren</button></div>
  <div class="mega-menu"><a href="https://other.example/partner#x">Partner</a></div>
  <main>
    <h1>Preise</h1>
    <p>Alle   Tarife\n  enthalten <strong>Support</strong> und Größenänderungen&nbsp;ohne Aufpreis.</p>
    <h2>Tarife</h2>
    <ul>
      <li>Starter: kostenlos</li>
      <li>Pro: 49 € <ul><li>inklusive API</li></ul></li>
    </ul>
    <table>
      <thead><tr><th>Tarif</th><th>Preis</th></tr></thead>
      <tbody><tr><td>Starter</td><td>0 €</td></tr><tr><td>Pro</td><td>49 €</td></tr></tbody>
    </table>
    <pre><code>curl -X POST https://api.example/v1/chat
  --data '{"q": 1}'</code></pre>
    <aside class="related">Ähnliche Artikel</aside>
    <form><label>Newsletter</label><input name="email"></form>
    <p>Fragen? <a href="../kontakt#formular">Kontakt</a> oder <a href="mailto:hi@acme.example">E-Mail</a>.</p>
    <p><a href="#tarife">Nach oben</a></p>
  </main>
  <footer class="footer">© Acme <a href="/impressum">Impressum</a></footer>
  <noscript>Bitte JavaScript aktivieren</noscript>
</body>
</html>`;

describe('extractHtml', () => {
  const result = extractHtml(page, 'https://acme.example/de/preise/');

  it('keeps only the main content, as structured blocks', () => {
    expect(result.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Preise' },
      {
        kind: 'paragraph',
        text: 'Alle Tarife enthalten Support und Größenänderungen ohne Aufpreis.',
      },
      { kind: 'heading', level: 2, text: 'Tarife' },
      { kind: 'list', items: ['Starter: kostenlos', 'Pro: 49 €', '  inklusive API'] },
      {
        kind: 'table',
        header: ['Tarif', 'Preis'],
        rows: [
          ['Starter', '0 €'],
          ['Pro', '49 €'],
        ],
      },
      {
        kind: 'code',
        text: `curl -X POST https://api.example/v1/chat\n  --data '{"q": 1}'`,
      },
      { kind: 'paragraph', text: 'Fragen? Kontakt oder E-Mail.' },
      { kind: 'paragraph', text: 'Nach oben' },
    ]);
    const text = result.blocks.map(renderBlock).join('\n');
    for (const furniture of [
      'Cookies',
      'Produkte',
      'Partner',
      'Impressum',
      'Ähnliche',
      'Newsletter',
      'SHOULD NOT',
      'JavaScript',
    ]) {
      expect(text).not.toContain(furniture);
    }
  });

  it('reads title, language and canonical URL', () => {
    expect(result.title).toBe('Preise & Tarife – Acme');
    expect(result.lang).toBe('de-DE');
    expect(result.canonical).toBe('https://acme.example/de/preise?ref=nav');
  });

  it('lists every link of the whole page as an absolute URL without fragment, once', () => {
    expect(result.links).toEqual([
      'https://acme.example/',
      'https://acme.example/de/produkte',
      'https://other.example/partner',
      'https://acme.example/de/kontakt',
      'https://acme.example/impressum',
    ]);
  });

  it('honours <base href> and drops relative links when no base is known', () => {
    const withBase = extractHtml('<base href="https://docs.example/v2/"><a href="guide">g</a>');
    expect(withBase.links).toEqual(['https://docs.example/v2/guide']);
    const noBase = extractHtml('<a href="guide">g</a><a href="https://x.example/a#b">x</a>');
    expect(noBase.links).toEqual(['https://x.example/a']);
    expect(noBase.canonical).toBeNull();
    expect(noBase.lang).toBeNull();
  });

  it('falls back to the body, still dropping furniture, when there is no <main> or <article>', () => {
    const result = extractHtml(`<body>
      <div class="navbar"><a href="/a">Home</a></div>
      <div class="content"><h2>Opening hours</h2>Mon–Fri 9–17<br>Sat 10–14</div>
      <div class="site-footer">Footer text</div>
      <div class="has-sidebar"><h1>Kept despite the class name</h1><p>Body.</p></div>
    </body>`);
    expect(result.blocks).toEqual([
      { kind: 'heading', level: 2, text: 'Opening hours' },
      { kind: 'paragraph', text: 'Mon–Fri 9–17\nSat 10–14' },
      { kind: 'heading', level: 1, text: 'Kept despite the class name' },
      { kind: 'paragraph', text: 'Body.' },
    ]);
    expect(result.title).toBe('Opening hours');
  });

  it("keeps an article's own header (its title) and picks the dominant article", () => {
    const result = extractHtml(`<body><article><header><h1>Release notes</h1></header>
      <p>${'Version 2 adds streaming. '.repeat(20)}</p></article>
      <article><p>Short teaser.</p></article></body>`);
    expect(result.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Release notes' });
    expect(result.blocks.map(renderBlock).join(' ')).not.toContain('teaser');
  });

  it('extracts a typical 50 KB page quickly', () => {
    const section = (i: number): string =>
      `<section><h2>Section ${i}</h2><p>${'Our platform routes conversations to the right team and keeps context. '.repeat(6)}</p>` +
      `<ul>${Array.from({ length: 5 }, (_, j) => `<li><a href="/docs/${i}/${j}">Topic ${j}</a> explained</li>`).join('')}</ul></section>`;
    const big = `<html><body><nav>${'<a href="/x">x</a>'.repeat(50)}</nav><main>${Array.from({ length: 70 }, (_, i) => section(i)).join('')}</main></body></html>`;
    expect(big.length).toBeGreaterThan(50_000);
    extractHtml(big, 'https://acme.example/');
    const started = performance.now();
    const runs = 20;
    for (let i = 0; i < runs; i += 1) extractHtml(big, 'https://acme.example/');
    // Measured ~2-3 ms here; the bound only catches an accidental quadratic walk.
    expect((performance.now() - started) / runs).toBeLessThan(50);
  });
});
