// The knowledge-base benchmark's website: a generated documentation site of BENCH_KB_PAGES
// pages (default 2,000, home and section indexes included) served on 127.0.0.1, with
// robots.txt and a sitemap listing every page. Run as its own process by bench/kb.mjs so
// serving pages does not share the measured process's CPU, as a real site would not; prints
// one JSON line ({url, pages, htmlBytes}) once listening and serves until stopped.
//
// Each page is built like a docs-platform page: a <head> with metadata, stylesheets, an
// analytics snippet and JSON-LD; a header; a sidebar of every section with the current one
// expanded to all its pages; breadcrumbs and an "on this page" list; an article of 4–8
// sections (paragraphs, lists, code, tables, subsections); previous/next links and a footer.
import http from 'node:http';
import { createTextGenerator, type TextGenerator } from './bench-text.js';

const SECTIONS = [
  'Getting started',
  'Installation',
  'Configuration',
  'Channels',
  'Bots and flows',
  'Live chat inbox',
  'Contacts',
  'Webhooks',
  'API reference',
  'Billing',
  'Security',
  'Integrations',
  'Analytics',
  'Web widget',
  'Teams and roles',
  'Automation',
  'Knowledge base',
  'Templates',
  'Reports',
  'Troubleshooting',
];

interface PageLink {
  readonly path: string;
  readonly title: string;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function shell(
  title: string,
  description: string,
  path: string,
  sidebar: readonly PageLink[],
  main: string,
): string {
  const header = SECTIONS.slice(0, 8)
    .map((name) => `<li><a class="nav-link" href="/docs/${slug(name)}/">${name}</a></li>`)
    .join('');
  const side = sidebar
    .map(
      (link) =>
        `<li class="menu__list-item"><a class="menu__link${link.path === path ? ' menu__link--active' : ''}" href="${link.path}">${escape(link.title)}</a></li>`,
    )
    .join('\n');
  const footer = SECTIONS.map((name) => `<li><a href="/docs/${slug(name)}/">${name}</a></li>`).join(
    '',
  );
  return `<!doctype html>
<html lang="en" dir="ltr" class="docs-wrapper docs-doc-page">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} | Acme Docs</title>
<meta name="description" content="${escape(description)}">
<meta property="og:title" content="${escape(title)}">
<meta property="og:type" content="article">
<link rel="stylesheet" href="/assets/css/styles.4f2a9c.css">
<link rel="preload" href="/assets/js/runtime~main.8e1d.js" as="script">
<link rel="preload" href="/assets/js/main.1b77.js" as="script">
<link rel="icon" href="/img/favicon.ico">
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-ACME000000',{anonymize_ip:true});document.documentElement.setAttribute('data-theme',localStorage.getItem('theme')||'light');</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"TechArticle","headline":${JSON.stringify(title)},"publisher":{"@type":"Organization","name":"Acme"}}</script>
<style>.skip{position:absolute;left:-999px}.menu__link--active{font-weight:700}</style>
</head>
<body class="navigation-with-keyboard">
<a class="skip" href="#content">Skip to main content</a>
<header class="navbar" role="banner"><div class="navbar__inner"><a class="navbar__brand" href="/"><img src="/img/logo.svg" alt="Acme"> Acme Docs</a>
<ul class="navbar__items">${header}</ul><form class="search" action="/search" role="search"><input type="search" name="q" placeholder="Search docs"></form></div></header>
<div class="main-wrapper">
<aside class="theme-doc-sidebar-container"><nav class="menu" aria-label="Docs sidebar"><ul class="menu__list">
${side}
</ul></nav></aside>
<main id="content" class="docMainContainer">
${main}
</main>
</div>
<footer class="footer"><ul class="footer__links">${footer}</ul>
<p class="footer__copyright">Copyright © Acme, Inc. Built with a static site generator.</p>
<div class="cookie-banner">We use cookies to understand how the documentation is used. <button>Accept</button></div></footer>
<script src="/assets/js/runtime~main.8e1d.js" defer></script><script src="/assets/js/main.1b77.js" defer></script>
</body>
</html>
`;
}

function article(
  text: TextGenerator,
  page: PageLink,
  section: PageLink,
  neighbours: { previous?: PageLink | undefined; next?: PageLink | undefined },
): string {
  const { random } = text;
  const topic = text.topic(random.int(4, 12));
  const theme = text.theme();
  const headings: string[] = [];
  const parts: string[] = [];
  const count = random.int(4, 8);
  for (let s = 0; s < count; s++) {
    const heading = text.title(2, 5, topic, theme);
    headings.push(heading);
    parts.push(`<h2 id="${slug(heading)}">${escape(heading)}</h2>`);
    for (let p = random.int(1, 3); p > 0; p--)
      parts.push(`<p>${escape(text.paragraph(random.int(40, 110), topic, theme))}</p>`);
    if (random.chance(0.4)) {
      const items: string[] = [];
      for (let i = random.int(3, 7); i > 0; i--)
        items.push(`<li>${escape(text.sentence(topic, theme))}</li>`);
      parts.push(`<ul>${items.join('')}</ul>`);
    }
    if (random.chance(0.25)) {
      const lines: string[] = [];
      for (let i = random.int(4, 16); i > 0; i--) {
        const key = text.contentWord(theme);
        lines.push(
          random.chance(0.5)
            ? `acme ${key} --${text.contentWord(theme)}=${random.pick(topic)}`
            : `  "${key}": "${text.contentWord(theme)}",`,
        );
      }
      parts.push(`<pre><code class="language-shell">${escape(lines.join('\n'))}</code></pre>`);
    }
    if (random.chance(0.15)) {
      const rows: string[] = [];
      for (let r = random.int(3, 6); r > 0; r--)
        rows.push(
          `<tr><td><code>${text.contentWord(theme)}</code></td><td>${escape(text.title(1, 2))}</td><td>${escape(text.sentence(topic, theme))}</td></tr>`,
        );
      parts.push(
        `<table><thead><tr><th>Setting</th><th>Default</th><th>Meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      );
    }
    if (random.chance(0.2)) {
      const sub = text.title(2, 4, topic, theme);
      parts.push(`<h3 id="${slug(sub)}">${escape(sub)}</h3>`);
      parts.push(`<p>${escape(text.paragraph(random.int(30, 80), topic, theme))}</p>`);
    }
  }
  const toc = headings.map((h) => `<li><a href="#${slug(h)}">${escape(h)}</a></li>`).join('');
  const pager = [
    neighbours.previous === undefined
      ? ''
      : `<a class="pagination-nav__link--prev" href="${neighbours.previous.path}">Previous: ${escape(neighbours.previous.title)}</a>`,
    neighbours.next === undefined
      ? ''
      : `<a class="pagination-nav__link--next" href="${neighbours.next.path}">Next: ${escape(neighbours.next.title)}</a>`,
  ].join('');
  return `<div class="row"><div class="col docItemCol">
<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="/">Home</a> › <a href="${section.path}">${escape(section.title)}</a></nav>
<article>
<header><h1>${escape(page.title)}</h1></header>
<p class="lead">${escape(text.paragraph(random.int(30, 60), topic, theme))}</p>
${parts.join('\n')}
</article>
<div class="feedback">Was this page helpful? <button>Yes</button> <button>No</button></div>
<nav class="pagination-nav" aria-label="Docs pages">${pager}</nav>
</div>
<div class="col col--3"><div class="table-of-contents"><p>On this page</p><ul>${toc}</ul></div></div></div>`;
}

/** path → page HTML, robots.txt and sitemap.xml. */
export function buildSite(pages: number, seed: number): Map<string, string> {
  if (pages < SECTIONS.length + 2) throw new Error(`at least ${String(SECTIONS.length + 2)} pages`);
  const text = createTextGenerator(seed);
  const sections: PageLink[] = SECTIONS.map((name) => ({
    path: `/docs/${slug(name)}/`,
    title: name,
  }));
  const articles: PageLink[][] = sections.map(() => []);
  for (let i = 0; i < pages - 1 - sections.length; i++) {
    const title = text.title(3, 6);
    const s = i % sections.length;
    const section = sections[s];
    if (section === undefined) continue;
    articles[s]?.push({ path: `${section.path}${slug(title)}-${String(i)}`, title });
  }
  const site = new Map<string, string>();
  sections.forEach((section, s) => {
    const list = articles[s] ?? [];
    list.forEach((page, i) => {
      // The docs sidebar: every section, the current one expanded with all its pages.
      const sidebar = [...sections.slice(0, s + 1), ...list, ...sections.slice(s + 1)];
      const main = article(text, page, section, { previous: list[i - 1], next: list[i + 1] });
      site.set(page.path, shell(page.title, text.sentence(), page.path, sidebar, main));
    });
    const index = list
      .map((page) => `<li><a href="${page.path}">${escape(page.title)}</a></li>`)
      .join('\n');
    const main = `<article><h1>${section.title}</h1><p>${escape(text.paragraph(60))}</p><ul>${index}</ul></article>`;
    site.set(section.path, shell(section.title, text.sentence(), section.path, sections, main));
  });
  const home = `<article><h1>Acme documentation</h1><p>${escape(text.paragraph(80))}</p><ul>${sections
    .map((section) => `<li><a href="${section.path}">${section.title}</a></li>`)
    .join('')}</ul></article>`;
  site.set('/', shell('Acme documentation', text.sentence(), '/', sections, home));
  return site;
}

function sitemap(origin: string, paths: readonly string[]): string {
  const entries = paths
    .map((p) => `<url><loc>${origin}${p}</loc><lastmod>2026-01-15</lastmod></url>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries}\n</urlset>\n`;
}

async function main(): Promise<void> {
  const pages = Number(process.env.BENCH_KB_PAGES ?? 2000);
  const site = buildSite(pages, 20_260_115);
  const bodies = new Map<string, Buffer>();
  for (const [path, html] of site) bodies.set(path, Buffer.from(html, 'utf8'));
  let origin = '';
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split(/[?#]/)[0] ?? '/';
    if (path === '/robots.txt') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`User-agent: *\nAllow: /\nSitemap: ${origin}/sitemap.xml\n`);
      return;
    }
    if (path === '/sitemap.xml') {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(sitemap(origin, [...bodies.keys()]));
      return;
    }
    const body = bodies.get(path);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(body.length),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
  const htmlBytes = [...bodies.values()].reduce((sum, body) => sum + body.length, 0);
  console.log(JSON.stringify({ url: origin, pages: bodies.size, htmlBytes }));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.once('end', stop); // the parent went away
  process.stdin.resume();
}

await main();
