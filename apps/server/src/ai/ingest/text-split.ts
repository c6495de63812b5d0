// Splits one text that is too large for a chunk into pieces of at most `maxTokens`, cutting at
// sentence ends (prose) or line ends (code), then at word boundaries, and only as a last resort
// inside a word. Each piece after the first starts with the last ~`overlapTokens` of the one
// before, cut at a word boundary, so a fact straddling a cut is whole in at least one piece.
//
// Intl.Segmenter would know more languages' sentence rules, but on Node 20 it is quadratic on
// long strings (seconds for a 70 KB text), so the boundaries are found with regular
// expressions that cover Latin and CJK punctuation.
import { countTokens, sliceByTokens, tailByTokens } from './tokens.js';

export type SplitMode = 'prose' | 'lines';

// A boundary after a sentence terminator and its closing quotes/brackets (Latin needs the
// following whitespace, CJK does not), or after a line break. The whitespace stays with the
// sentence before it, so the units concatenate back to the original text.
const SENTENCE_BOUNDARY = /(?<=(?:[.!?…]["'”’)\]]*\s|[。！？][」』）"”’]*|\n)\s*)(?=\S)/u;
const LINE_BOUNDARY = /(?<=\n)/u;
const WORD_BOUNDARY = /(?<=\s)(?=\S)/u;

// No token of cl100k is longer than this many UTF-16 units in practice; it bounds the window a
// hard split searches, keeping a megabyte-long base64 blob linear rather than quadratic.
const MAX_CHARS_PER_TOKEN = 32;

export function splitText(
  text: string,
  maxTokens: number,
  overlapTokens: number,
  mode: SplitMode = 'prose',
): string[] {
  // Code keeps its first line's indentation; prose is trimmed.
  const finish = (raw: string): string =>
    mode === 'lines' ? raw.replace(/^\n+/u, '').trimEnd() : raw.trim();
  const trimmed = finish(text);
  if (trimmed.trim() === '') return [];
  if (countTokens(trimmed) <= maxTokens) return [trimmed];

  // Overlap can never take the whole budget: each piece must make progress.
  const overlap = Math.max(0, Math.min(overlapTokens, Math.floor(maxTokens / 2)));
  const units = toUnits(trimmed, maxTokens - overlap, mode);
  const pieces: string[] = [];
  let prefix = '';
  let index = 0;
  while (index < units.length) {
    let raw = prefix;
    let estimate = prefix === '' ? 0 : countTokens(prefix);
    const start = index;
    while (index < units.length) {
      const unit = units[index];
      if (unit === undefined) break;
      if (index > start && estimate + unit.tokens > maxTokens) break;
      raw += unit.text;
      estimate += unit.tokens;
      index += 1;
    }
    // Per-unit counts are an estimate of the joined text's count (BPE merges differ slightly
    // at the seams), so the exact count decides; give units back until it fits.
    while (index - start > 1 && countTokens(finish(raw)) > maxTokens) {
      index -= 1;
      const unit = units[index];
      if (unit === undefined) break;
      raw = raw.slice(0, raw.length - unit.text.length);
    }
    // A seam can also push prefix + one unit a token over: that piece goes without overlap.
    if (prefix !== '' && countTokens(finish(raw)) > maxTokens) raw = raw.slice(prefix.length);
    pieces.push(finish(raw));
    prefix = index < units.length && overlap > 0 ? overlapTail(raw, overlap, mode) : '';
  }
  return pieces;
}

interface Unit {
  text: string;
  tokens: number;
}

function toUnits(text: string, budget: number, mode: SplitMode): Unit[] {
  const units: Unit[] = [];
  for (const sentence of text.split(mode === 'lines' ? LINE_BOUNDARY : SENTENCE_BOUNDARY)) {
    const tokens = countTokens(sentence);
    if (tokens <= budget) {
      units.push({ text: sentence, tokens });
      continue;
    }
    for (const word of sentence.split(WORD_BOUNDARY)) {
      const wordTokens = countTokens(word);
      if (wordTokens <= budget) units.push({ text: word, tokens: wordTokens });
      else for (const part of hardSplit(word, budget)) units.push(part);
    }
  }
  return units;
}

// Cuts a run with no usable boundary (a URL, base64, an unspaced CJK paragraph) into the
// longest pieces that fit, never inside a character.
function hardSplit(text: string, budget: number): Unit[] {
  const sliced = sliceByTokens(text, budget);
  if (sliced !== null) return sliced.map((part) => ({ text: part, tokens: countTokens(part) }));
  // Text the tokenizer cannot round-trip (lone surrogates): search for each cut instead.
  const parts: Unit[] = [];
  let rest = text;
  while (rest !== '') {
    const window = Math.min(rest.length, budget * MAX_CHARS_PER_TOKEN);
    let end = longestFitting(1, window, budget, (cut) => rest.slice(0, cut));
    if (isLowSurrogateAt(rest, end)) end += end > 1 ? -1 : 1;
    const part = rest.slice(0, end);
    parts.push({ text: part, tokens: countTokens(part) });
    rest = rest.slice(end);
  }
  return parts;
}

// The largest size in [low, high] whose text fits the budget (binary search: a longer text
// never has fewer tokens). At least `low`.
function longestFitting(
  low: number,
  high: number,
  budget: number,
  textAt: (cut: number) => string,
): number {
  let best = low;
  let lo = low;
  let hi = high;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countTokens(textAt(mid)) <= budget) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

function isLowSurrogateAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

// The end of `raw` worth at most `budget` tokens, starting at a word (prose) or a line (code)
// so the next piece repeats whole words or lines. Prose without spaces (CJK) falls back to a
// character cut; code with no whole line that fits gets no overlap.
function overlapTail(raw: string, budget: number, mode: SplitMode): string {
  const starts: number[] = [];
  const pattern = mode === 'lines' ? /(?<=\n)[^\n]/gu : /(?<=\s)\S/gu;
  for (const match of raw.matchAll(pattern)) starts.push(match.index);
  const tailFrom = (start: number): string => raw.slice(start).trim();
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  // Later starts give shorter tails: find the earliest start whose tail fits.
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const start = starts[mid] ?? raw.length;
    if (countTokens(tailFrom(start)) <= budget) {
      found = start;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (found !== -1) return mode === 'lines' ? raw.slice(found) : raw.slice(found).trimStart();
  if (mode === 'lines') return '';
  const trimmed = raw.trimEnd();
  const tail = tailByTokens(trimmed, budget);
  // Never the whole piece: the overlap repeats part of it, it does not duplicate it.
  return tail.length < trimmed.length ? tail + raw.slice(trimmed.length) : '';
}
