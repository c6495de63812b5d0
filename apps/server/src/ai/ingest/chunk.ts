// Turns an extracted document into embedding-sized chunks. Structure first: consecutive blocks
// under one heading path are packed together, a block that fits is never cut, and only a block
// larger than the budget is split (prose at sentences, code at lines, lists between items,
// tables between rows with the header repeated). Headings do not appear in the text: they are
// the chunk's `section`, which the caller stores (and may prepend when embedding) separately.
import { countJoined } from './joined-tokens.js';
import { splitText } from './text-split.js';
import { countTokens } from './tokens.js';
import type { Block, ExtractedDocument } from './types.js';

export { countTokens } from './tokens.js';

export interface Chunk {
  text: string;
  tokens: number;
  /** The heading path, e.g. "Pricing > Plans"; null before the first heading. */
  section: string | null;
  /** Position of the chunk in the document, from 0. */
  ordinal: number;
}

export interface ChunkOptions {
  /** Upper bound of every chunk's `tokens` (cl100k_base). Default 500. */
  maxTokens?: number;
  /** Tokens repeated between consecutive pieces of one split block. Default 50. */
  overlapTokens?: number;
}

export const DEFAULT_MAX_TOKENS = 500;
export const DEFAULT_OVERLAP_TOKENS = 50;

const BLOCK_SEPARATOR = '\n\n';

interface Piece {
  text: string;
  tokens: number;
}

export function chunkDocument(doc: ExtractedDocument, options: ChunkOptions = {}): Chunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  // Below a few tokens a table header alone cannot fit, and no useful chunk can be made.
  if (!Number.isInteger(maxTokens) || maxTokens < 16) {
    throw new RangeError(`maxTokens must be an integer of at least 16, got ${maxTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0) {
    throw new RangeError(`overlapTokens must be a non-negative integer, got ${overlapTokens}`);
  }

  const chunks: Chunk[] = [];
  const headings: { level: number; text: string }[] = [];
  let pending: Piece[] = [];
  let pendingTokens = 0;
  let section: string | null = null;

  const emit = (piece: Piece): void => {
    chunks.push({ text: piece.text, tokens: piece.tokens, section, ordinal: chunks.length });
  };
  const flush = (): void => {
    for (const packed of packExactly(pending, maxTokens)) emit(packed);
    pending = [];
    pendingTokens = 0;
  };

  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      const text = block.text.trim();
      if (text === '') continue;
      flush();
      while (headings.length > 0 && (headings.at(-1)?.level ?? 0) >= block.level) headings.pop();
      headings.push({ level: block.level, text });
      section = headings.map((heading) => heading.text).join(' > ');
      continue;
    }
    const pieces = blockPieces(block, maxTokens, overlapTokens);
    const [only] = pieces;
    if (pieces.length === 1 && only !== undefined) {
      // The separator is about one token; packExactly corrects the estimate if it is off.
      if (pending.length > 0 && pendingTokens + 1 + only.tokens > maxTokens) flush();
      pending.push(only);
      pendingTokens += (pending.length > 1 ? 1 : 0) + only.tokens;
    } else {
      flush();
      for (const piece of pieces) emit(piece);
    }
  }
  flush();
  return chunks;
}

// Joins packed blocks. The packing used per-block counts plus one token per separator; the
// exact count of the joined text (from the blocks' counts and their seams, see countJoined)
// confirms it, and only when BPE merges at the seams pushed it over is it re-packed block by
// block.
function packExactly(pieces: Piece[], maxTokens: number): Piece[] {
  const [first, ...rest] = pieces;
  if (first === undefined) return [];
  const all = rest.reduce(joinTwo, first);
  if (all.tokens <= maxTokens) return [all];
  const out: Piece[] = [];
  let group = first;
  for (const piece of rest) {
    const candidate = joinTwo(group, piece);
    if (candidate.tokens <= maxTokens) {
      group = candidate;
      continue;
    }
    out.push(group);
    group = piece;
  }
  out.push(group);
  return out;
}

function joinTwo(left: Piece, right: Piece): Piece {
  return {
    text: `${left.text}${BLOCK_SEPARATOR}${right.text}`,
    tokens: countJoined(left.text, left.tokens, BLOCK_SEPARATOR, right.text, right.tokens),
  };
}

// One block as one or more texts, each within the budget.
function blockPieces(block: Block, maxTokens: number, overlapTokens: number): Piece[] {
  if (block.kind === 'heading') return [];
  // Code keeps its first line's indentation; everything else is trimmed.
  const whole =
    block.kind === 'code' ? block.text.replace(/^\n+/u, '').trimEnd() : renderBlock(block).trim();
  if (whole.trim() === '') return [];
  const tokens = countTokens(whole);
  if (tokens <= maxTokens) return [{ text: whole, tokens }];
  let texts: string[];
  switch (block.kind) {
    case 'paragraph':
      texts = splitText(whole, maxTokens, overlapTokens, 'prose');
      break;
    case 'code':
      texts = splitText(whole, maxTokens, overlapTokens, 'lines');
      break;
    case 'list':
      texts = packLines([], listLines(block.items), maxTokens, overlapTokens);
      break;
    case 'table':
      texts = packLines(renderTableHeader(block.header), block.rows.map(renderRow), maxTokens, 0);
      break;
  }
  return texts.filter((text) => text !== '').map((text) => ({ text, tokens: countTokens(text) }));
}

// Packs whole lines (list items, table rows) into pieces that each start with `head` (a table's
// header, so every piece of a table can be read on its own). A line too large even alone is
// split as prose.
function packLines(
  head: string[],
  lines: string[],
  maxTokens: number,
  overlapTokens: number,
): string[] {
  const whole = [...head, ...lines].join('\n').trim();
  if (lines.length === 0) return head.length > 0 ? [whole] : [];
  if (countTokens(whole) <= maxTokens) return [whole];

  const headText = head.join('\n');
  const headTokens = head.length > 0 ? countTokens(headText) + 1 : 0;
  const pieces: string[] = [];
  let current: string[] = [];
  let currentTokens = headTokens;
  const close = (): void => {
    if (current.length > 0) pieces.push([...head, ...current].join('\n'));
    current = [];
    currentTokens = headTokens;
  };
  for (const line of lines) {
    const tokens = countTokens(line) + 1;
    if (headTokens + tokens > maxTokens) {
      close();
      const alone = head.length > 0 ? `${headText}\n${line}` : line;
      pieces.push(...splitText(alone, maxTokens, overlapTokens, 'prose'));
      continue;
    }
    if (currentTokens + tokens > maxTokens) close();
    current.push(line);
    currentTokens += tokens;
  }
  close();
  // The per-line estimate can be a token or two short at the seams: re-split any piece that
  // is over, which keeps the budget a hard guarantee.
  return pieces.flatMap((piece) =>
    countTokens(piece) <= maxTokens ? [piece] : splitText(piece, maxTokens, overlapTokens, 'lines'),
  );
}

function listLines(items: string[]): string[] {
  return items.filter((item) => item.trim() !== '').map(renderListItem);
}

// Nested list items are stored with their indentation ("  child"); keep it in front of the
// bullet so the hierarchy survives.
function renderListItem(item: string): string {
  const indent = /^\s*/u.exec(item)?.[0] ?? '';
  return `${indent}- ${item.slice(indent.length)}`;
}

function renderTableHeader(header: string[]): string[] {
  if (header.length === 0) return [];
  return [renderRow(header), renderRow(header.map(() => '---'))];
}

// Markdown pipe rows: compact, and read correctly by both people and models.
function renderRow(cells: string[]): string {
  const escaped = cells.map((cell) => cell.replace(/\s+/gu, ' ').trim().replaceAll('|', '\\|'));
  return `| ${escaped.join(' | ')} |`;
}

/** The text a block contributes to a chunk (exported for callers that show blocks). */
export function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
    case 'code':
      return block.text;
    case 'list':
      return listLines(block.items).join('\n');
    case 'table':
      return [...renderTableHeader(block.header), ...block.rows.map(renderRow)].join('\n');
  }
}
