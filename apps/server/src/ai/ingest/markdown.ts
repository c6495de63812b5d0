// Markdown (and plain text) to blocks. marked's lexer does the CommonMark/GFM parsing (setext
// headings, nested lists, pipe tables, fences); inline markup is reduced to its plain text,
// since "**Pro** plan" should embed and read as "Pro plan".
import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked';
import { extractHtml } from './html.js';
import { decodeEntities } from './entities.js';
import type { Block } from './types.js';

export interface MarkdownResult {
  title: string;
  blocks: Block[];
}

// YAML front matter, which marked would otherwise read as a rule plus a setext heading.
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/u;

export function extractMarkdown(source: string): MarkdownResult {
  let text = source;
  let title = '';
  const front = FRONT_MATTER.exec(text);
  if (front !== null) {
    title = /^title:\s*["']?(.*?)["']?\s*$/mu.exec(front[1] ?? '')?.[1] ?? '';
    text = text.slice(front[0].length);
  }
  const blocks: Block[] = [];
  for (const token of Lexer.lex(text, { gfm: true })) appendBlocks(token, blocks);
  const h1 = blocks.find((block) => block.kind === 'heading' && block.level === 1);
  return { title: title || (h1?.kind === 'heading' ? h1.text : ''), blocks };
}

/** Plain text: paragraphs are separated by blank lines; line breaks inside one are kept. */
export function extractPlainText(source: string): Block[] {
  return source
    .replace(/\r\n?/gu, '\n')
    .split(/\n[^\S\n]*\n\s*/u)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.replace(/\s+/gu, ' ').trim())
        .join('\n')
        .trim(),
    )
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => ({ kind: 'paragraph', text: paragraph }));
}

// The lexer only emits marked's own token kinds unless extensions are registered (none are);
// this guard turns its open-ended Token type into the discriminated union.
const MARKED_TYPES = new Set<string>([
  'blockquote',
  'br',
  'checkbox',
  'code',
  'codespan',
  'def',
  'del',
  'em',
  'escape',
  'heading',
  'hr',
  'html',
  'image',
  'link',
  'list',
  'list_item',
  'paragraph',
  'space',
  'strong',
  'table',
  'text',
]);

function isMarked(token: Token): token is MarkedToken {
  return MARKED_TYPES.has(token.type);
}

function appendBlocks(token: Token, blocks: Block[]): void {
  if (!isMarked(token)) return;
  switch (token.type) {
    case 'heading': {
      const text = inlineText(token.tokens).replace(/\s+/gu, ' ').trim();
      if (text !== '') blocks.push({ kind: 'heading', level: token.depth, text });
      return;
    }
    case 'paragraph':
    case 'text': {
      const text = tidy(token.tokens ? inlineText(token.tokens) : decodeEntities(token.text));
      if (text !== '') blocks.push({ kind: 'paragraph', text });
      return;
    }
    case 'list': {
      const items = listItems(token, 0);
      if (items.length > 0) blocks.push({ kind: 'list', items });
      return;
    }
    case 'table': {
      const cell = (c: Tokens.TableCell): string => tidy(inlineText(c.tokens)).replace(/\n/gu, ' ');
      blocks.push({
        kind: 'table',
        header: token.header.map(cell),
        rows: token.rows.map((row) => row.map(cell)),
      });
      return;
    }
    case 'code': {
      const code = token.text.replace(/\s+$/u, '');
      if (code.trim() !== '') blocks.push({ kind: 'code', text: code });
      return;
    }
    case 'blockquote':
      for (const inner of token.tokens) appendBlocks(inner, blocks);
      return;
    case 'html':
      // Raw HTML blocks (<details>, <table>) are common in READMEs: read them as HTML.
      blocks.push(...extractHtml(token.text).blocks);
      return;
    default:
      // space, hr, def: no text.
      return;
  }
}

function listItems(list: Tokens.List, depth: number): string[] {
  const items: string[] = [];
  const indent = '  '.repeat(depth);
  for (const item of list.items) {
    const own: string[] = [];
    const nested: string[] = [];
    for (const token of item.tokens) {
      if (!isMarked(token)) continue;
      if (token.type === 'list') nested.push(...listItems(token, depth + 1));
      else if (token.type === 'code') own.push(token.text);
      else if (token.type === 'text' || token.type === 'paragraph') {
        own.push(token.tokens ? inlineText(token.tokens) : decodeEntities(token.text));
      }
    }
    const checkbox = item.task ? (item.checked === true ? '[x] ' : '[ ] ') : '';
    const text = tidy(own.join('\n')).replace(/\n/gu, ' ');
    if (text !== '') items.push(indent + checkbox + text);
    items.push(...nested);
  }
  return items;
}

// Inline tokens to plain text: emphasis and links keep their words, images their alt text,
// code spans their code, line breaks a newline; inline HTML tags are dropped.
function inlineText(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (!isMarked(token)) continue;
    switch (token.type) {
      case 'br':
        text += '\n';
        break;
      case 'html':
      case 'checkbox':
        break;
      case 'image':
      case 'codespan':
      case 'escape':
        text += decodeEntities(token.text);
        break;
      case 'text':
        text += token.tokens ? inlineText(token.tokens) : decodeEntities(token.text);
        break;
      default:
        if ('tokens' in token) text += inlineText(token.tokens);
    }
  }
  return text;
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/gu, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
