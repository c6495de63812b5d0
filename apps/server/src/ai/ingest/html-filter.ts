// Decides which elements of a page are furniture rather than content: navigation, headers and
// footers, cookie banners, forms, scripts, hidden elements, and anything whose class or id says
// so. Shared by the main-content choice (html.ts) and the block walker (html-blocks.ts).
import { Element } from 'domhandler';

// Elements that are never content. `header` is special-cased in isBoilerplate: an article's
// own <header> holds its title.
const DROPPED_TAGS = new Set([
  'nav',
  'header',
  'footer',
  'aside',
  'script',
  'style',
  'noscript',
  'form',
  'svg',
  'iframe',
  'template',
  'button',
  'select',
  'textarea',
  'canvas',
  'object',
  'embed',
  'head',
  'title',
  'meta',
  'link',
]);

const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);

// Words of class/id values that mark furniture. Matching whole words (split at "-", "_" and
// camelCase) keeps "unavailable" or "canvas-menuless" style names from matching by accident.
const BOILERPLATE_WORDS = new Set([
  'nav',
  'navbar',
  'navigation',
  'menu',
  'menubar',
  'footer',
  'sidebar',
  'cookie',
  'cookies',
  'banner',
  'consent',
  'breadcrumb',
  'breadcrumbs',
]);

export interface WalkContext {
  /** True when walking a real content element (main/article), where a <header> is the
   * article's own; false for a body fallback, where <header> is the site header. */
  inContentElement: boolean;
  classVerdicts: Map<string, boolean>;
}

export function isBoilerplate(element: Element, context: WalkContext): boolean {
  const tag = element.name;
  if (DROPPED_TAGS.has(tag)) {
    return !(tag === 'header' && context.inContentElement && hasHeading(element));
  }
  const { attribs } = element;
  if (attribs.hidden !== undefined || attribs['aria-hidden'] === 'true') return true;
  const role = attribs.role?.toLowerCase();
  if (role !== undefined && DROPPED_ROLES.has(role)) return true;
  if (attribs.id === undefined && attribs.class === undefined) return false;
  const names = `${attribs.id ?? ''} ${attribs.class ?? ''}`.trim();
  if (names === '' || !classMarksBoilerplate(names, context.classVerdicts)) return false;
  // A wrapper named e.g. "has-sidebar" can hold the whole page: never drop the real content.
  return (
    !hasDescendant(element, 'main') && !hasDescendant(element, 'article') && !hasHeading1(element)
  );
}

function classMarksBoilerplate(names: string, verdicts: Map<string, boolean>): boolean {
  const known = verdicts.get(names);
  if (known !== undefined) return known;
  const words = names
    .replace(/([a-z])([A-Z])/gu, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/u);
  const verdict = words.some((word) => BOILERPLATE_WORDS.has(word));
  verdicts.set(names, verdict);
  return verdict;
}

export function hasDescendant(element: Element, tag: string): boolean {
  for (const child of element.children) {
    if (child instanceof Element && (child.name === tag || hasDescendant(child, tag))) {
      return true;
    }
  }
  return false;
}

function hasHeading(element: Element): boolean {
  return ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].some((tag) => hasDescendant(element, tag));
}

function hasHeading1(element: Element): boolean {
  return hasDescendant(element, 'h1');
}
