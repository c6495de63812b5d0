import { fold } from './query-terms.js';

/**
 * A search term as SQLite's FTS5 `unicode61` tokenizer (diacritics removed) sees it: one
 * token, or several for a term like "quick-reply" or "e-mail", which is then a phrase.
 */
export interface FtsTerm {
  readonly term: string;
  readonly tokens: readonly string[];
}

// unicode61 splits on everything that is not a letter, a number or a private-use character;
// combining marks stay inside the token (and are removed with the diacritics).
const SEPARATORS = /[^\p{L}\p{N}\p{M}\p{Co}]+/u;

const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_SEPARATORS = /[^a-z0-9]+/;

export function ftsTokens(text: string): string[] {
  // Most text is ASCII: lower-casing is all the folding it needs, and the split is far
  // cheaper without Unicode property classes (re-ranking tokenises a hundred passages).
  const tokens = NON_ASCII.test(text)
    ? fold(text).split(SEPARATORS)
    : text.toLowerCase().split(ASCII_SEPARATORS);
  return tokens.filter((token) => token !== '');
}

export function ftsTerms(terms: readonly string[]): FtsTerm[] {
  return terms
    .map((term) => ({ term, tokens: ftsTokens(term) }))
    .filter((term) => term.tokens.length > 0);
}

/** An FTS5 phrase: quoted tokens, so nothing in a user's question becomes an operator. */
export function ftsPhrase(term: FtsTerm): string {
  return `"${term.tokens.join(' ')}"`;
}
