// Rebuilds reading structure from a PDF's positioned text runs: runs become lines, lines become
// paragraphs by vertical spacing, short paragraphs set clearly larger than the body text become
// headings, and running headers/footers repeated on most pages are dropped. Pure geometry, so
// it is tested without PDF.js.
import type { Block } from './types.js';

export interface PdfRun {
  str: string;
  /** Baseline origin in PDF user space (y grows upwards). */
  x: number;
  y: number;
  width: number;
  /** Font size (text height). */
  size: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  y: number;
  size: number;
}

// Larger than body by this factor, and short, reads as a heading.
const HEADING_SIZE_RATIO = 1.2;
const HEADING_MAX_CHARS = 160;
const RUNNING_MAX_CHARS = 80;
const PAGE_NUMBER_MAX_CHARS = 24;

export function pdfBlocks(pages: PdfRun[][]): Block[] {
  const pageLines = dropRunningLines(pages.map(toLines));
  const bodySize = dominantSize(pageLines.flat());
  const paragraphs = pageLines.flatMap(toParagraphs);
  const headingSizes = [
    ...new Set(
      paragraphs.filter((p) => isHeading(p, bodySize)).map((p) => Math.round(p.size * 2) / 2),
    ),
  ].sort((a, b) => b - a);
  return paragraphs.map((p): Block => {
    if (!isHeading(p, bodySize)) return { kind: 'paragraph', text: p.text };
    const level = Math.min(6, headingSizes.indexOf(Math.round(p.size * 2) / 2) + 1);
    return { kind: 'heading', level, text: p.text };
  });
}

function isHeading(paragraph: Line & { lines: number }, bodySize: number): boolean {
  return (
    paragraph.size >= bodySize * HEADING_SIZE_RATIO &&
    paragraph.lines <= 2 &&
    paragraph.text.length <= HEADING_MAX_CHARS &&
    /\p{L}/u.test(paragraph.text)
  );
}

function toLines(runs: PdfRun[]): Line[] {
  const lines: Line[] = [];
  let current: { text: string; y: number; size: number; end: number } | null = null;
  let breakBefore = true;
  for (const run of runs) {
    const sameLine =
      current !== null && !breakBefore && Math.abs(run.y - current.y) <= run.size * 0.5;
    if (current === null || !sameLine) {
      if (current !== null) lines.push(current);
      current = { text: run.str, y: run.y, size: run.size, end: run.x + run.width };
    } else {
      // Producers that position words individually leave the space out: a gap wider than a
      // fraction of the font size is one.
      const gap = run.x - current.end;
      const spaced = /\s$/u.test(current.text) || /^\s/u.test(run.str);
      current.text += !spaced && gap > run.size * 0.15 ? ` ${run.str}` : run.str;
      current.size = Math.max(current.size, run.str.trim() === '' ? 0 : run.size);
      current.end = run.x + run.width;
    }
    breakBefore = run.hasEOL;
  }
  if (current !== null) lines.push(current);
  return lines
    .map((line) => ({ text: line.text.replace(/\s+/gu, ' ').trim(), y: line.y, size: line.size }))
    .filter((line) => line.text !== '');
}

// Running titles repeat verbatim at the top or bottom of most pages; page numbers ("Page 3 of
// 9", "- 3 -") repeat once their digits are masked. Masking only short lines keeps body lines
// that differ just in a number ("Chapter 2 covers …") from being mistaken for furniture.
function dropRunningLines(pages: Line[][]): Line[][] {
  if (pages.length < 3) return pages;
  const key = (line: Line): string => {
    const masked = line.text.replace(/\d+/gu, '#').toLowerCase();
    return masked.length <= PAGE_NUMBER_MAX_CHARS ? masked : line.text.toLowerCase();
  };
  // Running lines are short and sit at the top or bottom of the page.
  const edges = (lines: Line[]): Line[] =>
    [...lines.slice(0, 2), ...lines.slice(-2)].filter(
      (line) => line.text.length <= RUNNING_MAX_CHARS,
    );
  const counts = new Map<string, number>();
  for (const lines of pages) {
    for (const k of new Set(edges(lines).map(key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const running = new Set(
    [...counts].filter(([, count]) => count >= pages.length / 2).map(([k]) => k),
  );
  if (running.size === 0) return pages;
  return pages.map((lines) => {
    const edge = new Set(edges(lines));
    return lines.filter((line) => !(edge.has(line) && running.has(key(line))));
  });
}

// The font size carrying the most characters: the body text.
function dominantSize(lines: Line[]): number {
  const weights = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    weights.set(size, (weights.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [size, weight] of weights) {
    if (weight > bestWeight) {
      best = size;
      bestWeight = weight;
    }
  }
  return best;
}

// Lines join into a paragraph while they are close (normal leading is ~1.2x the size) and set
// in the same size; a line ending in a hyphen before a lowercase letter is a broken word.
function toParagraphs(lines: Line[]): (Line & { lines: number })[] {
  const paragraphs: (Line & { lines: number })[] = [];
  let current: (Line & { lines: number }) | null = null;
  let previousY = 0;
  for (const line of lines) {
    const gap = previousY - line.y;
    const continues =
      current !== null &&
      gap > 0 &&
      gap <= line.size * 1.7 &&
      Math.abs(line.size - current.size) <= current.size * 0.15;
    if (current === null || !continues) {
      if (current !== null) paragraphs.push(current);
      current = { ...line, lines: 1 };
    } else if (/\p{L}-$/u.test(current.text) && /^\p{Ll}/u.test(line.text)) {
      current.text = current.text.slice(0, -1) + line.text;
      current.lines += 1;
    } else {
      current.text += /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u.test(current.text)
        ? line.text
        : ` ${line.text}`;
      current.lines += 1;
    }
    previousY = line.y;
  }
  if (current !== null) paragraphs.push(current);
  return paragraphs;
}
