/**
 * The links a crawler needs from a page: `<a>`/`<area>` hrefs, the first
 * `<link rel=canonical>` and `<base href>`. A scan with one linear regex instead of a DOM
 * parser: the crawler only needs these attributes, and it must not depend on the ingest
 * side's HTML extraction. Comments and script/style bodies are skipped so that markup
 * quoted inside them is not taken for links. Values come back entity-decoded, unresolved.
 */
import { decodeEntities } from '../ingest/entities.js';

export interface PageLinks {
  readonly hrefs: readonly string[];
  readonly canonical: string | undefined;
  readonly base: string | undefined;
}

// An unclosed comment or script swallows the rest of the page (`$`), as browsers do, which
// also keeps the scan linear. Attribute values may contain '>' inside quotes.
const TOKENS =
  /<!--[\s\S]*?(?:-->|$)|<(script|style)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)|<(a|area|link|base)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTRIBUTE = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function extractLinks(html: string): PageLinks {
  const hrefs: string[] = [];
  let canonical: string | undefined;
  let base: string | undefined;
  for (const match of html.matchAll(TOKENS)) {
    const tag = match[2]?.toLowerCase();
    if (tag === undefined) continue; // a comment or a script/style block
    const attributes = readAttributes(match[3] ?? '', tag === 'link');
    const href = attributes.href;
    if (href === undefined || href === '') continue;
    if (tag === 'a' || tag === 'area') hrefs.push(href);
    else if (tag === 'base') base ??= href;
    else if (canonical === undefined) {
      const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/);
      if (rel.includes('canonical')) canonical = href;
    }
  }
  return { hrefs, canonical, base };
}

/**
 * The first `href` (and `rel`, when asked) of a tag, decoded: the first occurrence of an
 * attribute wins, as in the HTML parsing algorithm. Only these two are decoded: a page has
 * about 150 links, each with classes and titles nobody reads.
 */
function readAttributes(source: string, withRel: boolean): { href?: string; rel?: string } {
  const found: { href?: string; rel?: string } = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? '').toLowerCase();
    if (name !== 'href' && !(withRel && name === 'rel')) continue;
    if (found[name] !== undefined) continue;
    found[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '').trim();
    if (found.href !== undefined && (!withRel || found.rel !== undefined)) break;
  }
  return found;
}
