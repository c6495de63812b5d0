// Walks the chosen content element of a parsed HTML page and emits structural blocks, leaving
// out page furniture (navigation, footers, cookie banners, forms, scripts). Whitespace is
// normalised the way a browser renders it, except inside <pre>.
import { Element, Text, type AnyNode, type ParentNode } from 'domhandler';
import { hasDescendant, isBoilerplate, type WalkContext } from './html-filter.js';
import type { Block } from './types.js';

const BLOCK_CONTAINERS = new Set([
  'html',
  'body',
  'main',
  'article',
  'section',
  'div',
  'blockquote',
  'figure',
  'figcaption',
  'details',
  'summary',
  'address',
  'center',
  'hgroup',
  'fieldset',
  'li',
  'dd',
  'dt',
  'caption',
  'hr',
]);

// A Map, not an object: a page can contain any tag name, "constructor" included.
const HEADING_LEVEL = new Map([
  ['h1', 1],
  ['h2', 2],
  ['h3', 3],
  ['h4', 4],
  ['h5', 5],
  ['h6', 6],
]);

export function htmlBlocks(container: ParentNode, context: WalkContext): Block[] {
  const blocks: Block[] = [];
  let inline = '';
  const flush = (): void => {
    const text = normalizeInline(inline);
    if (text !== '') blocks.push({ kind: 'paragraph', text });
    inline = '';
  };
  const walk = (node: AnyNode): void => {
    if (node instanceof Text) {
      inline += collapse(node.data);
      return;
    }
    if (!(node instanceof Element) || isBoilerplate(node, context)) return;
    const tag = node.name;
    const level = HEADING_LEVEL.get(tag);
    if (level !== undefined) {
      flush();
      const text = normalizeInline(inlineText(node, context)).replace(/\n/gu, ' ');
      if (text !== '') blocks.push({ kind: 'heading', level, text });
    } else if (tag === 'p') {
      flush();
      const text = normalizeInline(inlineText(node, context));
      if (text !== '') blocks.push({ kind: 'paragraph', text });
    } else if (tag === 'ul' || tag === 'ol' || tag === 'dl') {
      flush();
      const items = tag === 'dl' ? definitionItems(node, context) : listItems(node, 0, context);
      if (items.length > 0) blocks.push({ kind: 'list', items });
    } else if (tag === 'pre') {
      flush();
      const text = preText(node).replace(/^\n+|\s+$/gu, '');
      if (text !== '') blocks.push({ kind: 'code', text });
    } else if (tag === 'table' && !hasDescendant(node, 'table')) {
      flush();
      blocks.push(...tableBlocks(node, context));
    } else if (tag === 'br') {
      inline += '\n';
    } else if (tag === 'img') {
      // Images carry no text worth a chunk; alt text is mostly "logo" or empty.
    } else if (BLOCK_CONTAINERS.has(tag) || tag === 'table') {
      // A table holding tables is page layout, not data: read its cells as containers.
      flush();
      for (const child of node.children) walk(child);
      flush();
    } else {
      for (const child of node.children) walk(child);
    }
  };
  for (const child of container.children) walk(child);
  flush();
  return blocks;
}

// Text of an element as a browser would render it inline; nested lists are handed to
// `nestedLists` instead (a list item's own text and its sub-items are separate items).
function inlineText(element: Element, context: WalkContext, nestedLists?: Element[]): string {
  let text = '';
  const visit = (node: AnyNode): void => {
    if (node instanceof Text) {
      text += collapse(node.data);
      return;
    }
    if (!(node instanceof Element) || isBoilerplate(node, context)) return;
    const tag = node.name;
    if (nestedLists !== undefined && (tag === 'ul' || tag === 'ol')) {
      nestedLists.push(node);
      return;
    }
    if (tag === 'br') {
      text += '\n';
      return;
    }
    const block = BLOCK_CONTAINERS.has(tag) || tag === 'p' || HEADING_LEVEL.has(tag);
    if (block) text += '\n';
    for (const child of node.children) visit(child);
    if (block) text += '\n';
  };
  for (const child of element.children) visit(child);
  return text;
}

function listItems(list: Element, depth: number, context: WalkContext): string[] {
  const items: string[] = [];
  const indent = '  '.repeat(depth);
  for (const child of list.children) {
    if (!(child instanceof Element) || isBoilerplate(child, context)) continue;
    const tag = child.name;
    if (tag === 'ul' || tag === 'ol') {
      items.push(...listItems(child, depth + 1, context));
      continue;
    }
    const nested: Element[] = [];
    const text = normalizeInline(inlineText(child, context, nested)).replace(/\n/gu, ' ');
    if (text !== '') items.push(indent + text);
    for (const sub of nested) items.push(...listItems(sub, depth + 1, context));
  }
  return items;
}

function definitionItems(list: Element, context: WalkContext): string[] {
  const items: string[] = [];
  let term = '';
  for (const child of list.children) {
    if (!(child instanceof Element) || isBoilerplate(child, context)) continue;
    const text = normalizeInline(inlineText(child, context)).replace(/\n/gu, ' ');
    if (text === '') continue;
    if (child.name === 'dt') {
      if (term !== '') items.push(term);
      term = text;
    } else {
      items.push(term === '' ? text : `${term}: ${text}`);
      term = '';
    }
  }
  if (term !== '') items.push(term);
  return items;
}

function tableBlocks(table: Element, context: WalkContext): Block[] {
  const blocks: Block[] = [];
  const rows: { cells: string[]; isHeader: boolean }[] = [];
  const collect = (element: Element, inHead: boolean): void => {
    for (const child of element.children) {
      if (!(child instanceof Element)) continue;
      const tag = child.name;
      if (tag === 'caption') {
        const text = normalizeInline(inlineText(child, context)).replace(/\n/gu, ' ');
        if (text !== '') blocks.push({ kind: 'paragraph', text });
      } else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') {
        collect(child, tag === 'thead');
      } else if (tag === 'tr') {
        const cells = child.children.filter(
          (cell): cell is Element =>
            cell instanceof Element && (cell.name === 'td' || cell.name === 'th'),
        );
        const texts = cells.map((cell) =>
          normalizeInline(inlineText(cell, context)).replace(/\n/gu, ' '),
        );
        if (texts.some((text) => text !== '')) {
          rows.push({ cells: texts, isHeader: inHead || cells.every((c) => c.name === 'th') });
        }
      }
    }
  };
  collect(table, false);
  const [first, ...rest] = rows;
  if (first === undefined) return blocks;
  // Word (via mammoth) and many hand-written tables mark no header cells, yet their first row
  // names the columns; treating it as the header repeats it in every piece of a split table.
  const headerless = rest.length === 0 && !first.isHeader;
  blocks.push({
    kind: 'table',
    header: headerless ? [] : first.cells,
    rows: (headerless ? rows : rest).map((row) => row.cells),
  });
  return blocks;
}

function preText(element: Element): string {
  let text = '';
  const visit = (node: AnyNode): void => {
    if (node instanceof Text) text += node.data;
    else if (node instanceof Element) {
      if (node.name === 'br') text += '\n';
      else for (const child of node.children) visit(child);
    }
  };
  visit(element);
  return text.replace(/\r\n?/gu, '\n');
}

// Source line breaks are just spaces in HTML; only <br> and block edges break lines. The
// patterns leave single spaces alone: replacing every space with itself is most of the cost.
function collapse(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/gu, ' ');
}

// Collapses whitespace runs to one space (non-breaking spaces included), keeps explicit line
// breaks (<br>, block edges) as single newlines, and trims.
export function normalizeInline(text: string): string {
  const spaced = text.replace(/[^\S\n]{2,}|[^\S \n]/gu, ' ');
  return (spaced.includes('\n') ? spaced.replace(/ ?\n\s*/gu, '\n') : spaced).trim();
}
