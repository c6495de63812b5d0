// Token counting with cl100k_base, the encoding of OpenAI's text-embedding-3 models: chunk
// budgets are meant in the embedding model's tokens, and a real BPE count keeps CJK text
// (roughly one token per character) from overflowing a budget a word-count heuristic would
// allow.
import {
  clearMergeCache,
  countTokens as countCl100k,
  decode,
  encode,
  setMergeCacheSize,
} from 'gpt-tokenizer/encoding/cl100k_base';

// Documents are data, not prompts: a literal "<|endoftext|>" in a page must be counted as
// ordinary text instead of making the tokenizer throw.
const TEXT_ONLY = { disallowedSpecial: new Set<string>() };

// gpt-tokenizer caches BPE results in a Map used as an LRU; once full, each eviction walks past
// the Map's deleted entries, costing O(cache size). A worker that has seen 100K distinct words
// (a crawl, or one base64 blob) then tokenizes ~50x slower: 2 MB of base64 took 4 minutes.
// So the cache never fills: it holds at least as many entries as characters tokenized between
// clears (one entry per pre-token, a pre-token at least one character), and is cleared
// instead. Long texts are tokenized in segments so a single call respects the same bound.
const CHARS_BETWEEN_CLEARS = 500_000;
export const SEGMENT_CHARS = 100_000;
setMergeCacheSize(CHARS_BETWEEN_CLEARS);
let charsSinceClear = 0;

function beforeTokenizing(length: number): void {
  if (charsSinceClear + length > CHARS_BETWEEN_CLEARS) {
    clearMergeCache();
    charsSinceClear = 0;
  }
  charsSinceClear += length;
}

// The splitter counts a block, then its one sentence, then its one word: for a huge run
// without boundaries these are the same megabytes. Remembering the last long count saves
// those passes (comparing equal strings is a memcmp, far cheaper than BPE).
const MEMO_MIN_CHARS = 10_000;
let memo: { text: string; tokens: number } | null = null;

export function countTokens(text: string): number {
  if (text.length >= MEMO_MIN_CHARS && memo?.text === text) return memo.tokens;
  let total = 0;
  for (const segment of segments(text)) {
    beforeTokenizing(segment.length);
    total += countCl100k(segment, TEXT_ONLY);
  }
  if (text.length >= MEMO_MIN_CHARS) memo = { text, tokens: total };
  return total;
}

function encodeSegment(segment: string): number[] {
  beforeTokenizing(segment.length);
  return encode(segment, TEXT_ONLY);
}

// Cuts just before a space where one is in the second half of the segment: the pre-tokenizer
// attaches a space to the word after it, so that cut changes no token and the segment counts
// add up exactly. Otherwise (base64, unspaced CJK) the cut may shift a token at the seam; it is
// never made between the halves of a surrogate pair.
function segments(text: string): string[] {
  if (text.length <= SEGMENT_CHARS) return text === '' ? [] : [text];
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + SEGMENT_CHARS, text.length);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + SEGMENT_CHARS / 2) end = space;
      else if (isLowSurrogate(text.charCodeAt(end))) end -= 1;
    }
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Cuts text into consecutive pieces of at most `maxTokens` tokens each, at token boundaries
 * that are also character boundaries: linear even for a multi-megabyte run without spaces.
 * The pieces concatenate back to the text. Null when the text cannot be re-assembled from its
 * tokens (lone surrogates), for the caller to fall back.
 */
export function sliceByTokens(text: string, maxTokens: number): string[] | null {
  const pieces: string[] = [];
  for (const segment of segments(text)) {
    const sliced = sliceSegment(segment, maxTokens);
    if (sliced === null) return null;
    pieces.push(...sliced);
  }
  return pieces;
}

function sliceSegment(text: string, maxTokens: number): string[] | null {
  const tokens = encodeSegment(text);
  const pieces: string[] = [];
  let position = 0;
  let start = 0;
  while (start < tokens.length) {
    let end = Math.min(start + maxTokens, tokens.length);
    let piece = decode(tokens.slice(start, end));
    // A cut inside a multi-byte character decodes to U+FFFD and no longer matches the text:
    // move the cut back a token, or, for a one-token piece, forward.
    while (end > start + 1 && !fits(text, position, piece, maxTokens)) {
      end -= 1;
      piece = decode(tokens.slice(start, end));
    }
    while (!text.startsWith(piece, position) && end < tokens.length) {
      end += 1;
      piece = decode(tokens.slice(start, end));
    }
    if (piece === '' || !text.startsWith(piece, position)) return null;
    pieces.push(piece);
    position += piece.length;
    start = end;
  }
  return position === text.length ? pieces : null;
}

/**
 * The longest end of `text` worth at most `maxTokens` tokens that starts on a character
 * boundary ('' if none). Meant for chunk-sized texts.
 */
export function tailByTokens(text: string, maxTokens: number): string {
  const tokens = encodeSegment(text);
  for (let start = Math.max(0, tokens.length - maxTokens); start < tokens.length; start += 1) {
    const tail = decode(tokens.slice(start));
    if (text.endsWith(tail) && countTokens(tail) <= maxTokens) return tail;
  }
  return '';
}

// Re-encoding a piece alone can merge differently from the whole: check its own count too.
function fits(text: string, position: number, piece: string, maxTokens: number): boolean {
  return text.startsWith(piece, position) && countTokens(piece) <= maxTokens;
}
