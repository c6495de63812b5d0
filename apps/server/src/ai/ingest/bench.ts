import { extractHtml } from './html.js';
import { chunkDocument } from './chunk.js';
const para = (i: number) => `<p class="article-body__paragraph text-base leading-7" data-v-1a2b3c>Our <a class="link link--inline" href="/features/routing?utm_source=blog#x">routing engine</a> assigns conversation ${i} to the <strong>right team</strong>, keeps the customer's context and <em>history</em>, and escalates when an SLA is at risk. Agents see suggestions from the knowledge base inline.</p>`;
const nav = Array.from({ length: 80 }, (_, i) => `<li class="menu-item menu-item-type-post_type"><a class="nav-link" href="/section/${i}/">Section ${i}</a></li>`).join('');
const body = Array.from({ length: 12 }, (_, s) => `<section class="content-section" id="s${s}"><h2 class="heading heading--lg">Topic ${s}</h2>${Array.from({ length: 5 }, (_, i) => para(s * 10 + i)).join('')}<ul class="feature-list">${Array.from({ length: 4 }, (_, j) => `<li class="feature-list__item"><span class="icon" aria-hidden="true"><svg viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5-10-5z"/></svg></span>Feature ${j} of topic ${s}</li>`).join('')}</ul></section>`).join('');
const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme — Routing</title><link rel="canonical" href="https://acme.example/routing"><script type="application/ld+json">${JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ name: `Item ${i}`, url: `https://acme.example/${i}` })) })}</script><style>${'.a{color:red}'.repeat(200)}</style></head><body><header class="site-header"><nav class="main-nav"><ul>${nav}</ul></nav></header><div id="cookie-consent" class="cookie-banner">We use cookies <button>OK</button></div><main id="content"><article><h1>Routing</h1>${body}</article></main><footer class="site-footer"><ul>${nav.slice(0, 6000)}</ul></footer><script>${'console.log(1);'.repeat(300)}</script></body></html>`;
console.log('bytes', html.length);
const time = (label: string, fn: () => unknown, runs = 300) => {
  for (let i = 0; i < 30; i++) fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(label, ((performance.now() - t) / runs).toFixed(2), 'ms');
};
for (let r = 0; r < 2; r++) {
  time('extractHtml', () => extractHtml(html, 'https://acme.example/routing'));
  const doc = extractHtml(html, 'https://acme.example/routing');
  time('chunkDocument', () => chunkDocument(doc));
  time('extractHtml+chunkDocument', () => chunkDocument(extractHtml(html, 'https://acme.example/routing')));
}
const doc = extractHtml(html, 'https://acme.example/routing');
const chunks = chunkDocument(doc);
console.log('blocks', doc.blocks.length, 'links', doc.links.length, 'chunks', chunks.length, 'tokens', chunks.reduce((a, c) => a + c.tokens, 0), doc.title, doc.canonical);
console.log(chunks[0]);
