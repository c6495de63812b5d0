// The exact token count of two counted texts joined by a separator, without counting them
// again. The chunker packs blocks it has already counted; recounting every packed group
// tokenized most of each page twice.
//
// Why it is exact: cl100k's pre-tokenizer cuts text into pieces with one regex that has no
// lookbehind, and every character belongs to one piece; BPE then works inside each piece. At a
// position k where text[k] is a space (U+0020) and text[k - 1] is not whitespace, a piece
// always ends: no pattern puts a space after the first character of a piece, and the pieces
// made of whitespace cannot hold text[k - 1]. The pieces before k never look past text[k], and
// a space there stops them exactly as the end of the text would, so they are the pieces of
// text.slice(0, k) alone; the pieces from k on are those of text.slice(k) alone (no
// lookbehind). So count(text) = count(text before k) + count(text from k), and a join only
// changes the pieces between the last such cut of the left text and the first of the right.
import { countTokens, SEGMENT_CHARS } from './tokens.js';

const WHITESPACE = /\s/u;

export function countJoined(
  left: string,
  leftTokens: number,
  separator: string,
  right: string,
  rightTokens: number,
): number {
  const length = left.length + separator.length + right.length;
  // countTokens counts longer texts in segments whose seams are not this file's cuts.
  if (length > SEGMENT_CHARS) return countTokens(left + separator + right);
  const leftCut = lastCut(left);
  const rightCut = firstCut(right);
  const leftTail = left.slice(leftCut);
  const rightHead = right.slice(0, rightCut);
  const tailTokens = leftCut === 0 ? leftTokens : countTokens(leftTail);
  const headTokens = rightCut === right.length ? rightTokens : countTokens(rightHead);
  const seamTokens = countTokens(leftTail + separator + rightHead);
  return leftTokens - tailTokens + seamTokens - headTokens + rightTokens;
}

function isCut(text: string, index: number): boolean {
  return index > 0 && !WHITESPACE.test(text.charAt(index - 1));
}

/** The last cut position in `text` (see above), or 0 when it has none. */
function lastCut(text: string): number {
  for (let index = text.lastIndexOf(' '); index > 0; index = text.lastIndexOf(' ', index - 1)) {
    if (isCut(text, index)) return index;
  }
  return 0;
}

/** The first cut position in `text`, or its length when it has none. */
function firstCut(text: string): number {
  for (let index = text.indexOf(' ', 1); index !== -1; index = text.indexOf(' ', index + 1)) {
    if (isCut(text, index)) return index;
  }
  return text.length;
}
