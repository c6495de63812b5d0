import { ftsTokens } from './fts-terms.js';
import type { CountedTerm } from './search-plan.js';

/** FTS5's bm25() constants and the column weights searchLexical ranks with. */
const K1 = 1.2;
const B = 0.75;
const WEIGHTS = { text: 1, title: 0.5, section: 0.5 } as const;

export interface ScoredText {
  readonly text: string;
  readonly title: string;
  readonly section: string | null;
}

/**
 * BM25 computed here, the way FTS5's bm25() does (per-column weighted term frequency, one
 * document length over all columns, IDF clamped above zero), for the few candidates a
 * common-terms search ranks with every term. The average length is the candidates' own: the
 * scores only order these candidates among themselves.
 */
export function rankByBm25<T extends ScoredText>(
  terms: readonly CountedTerm[],
  totalDocuments: number,
  candidates: readonly T[],
): T[] {
  const tokenised = candidates.map((candidate) => ({
    candidate,
    columns: {
      text: ftsTokens(candidate.text),
      title: ftsTokens(candidate.title),
      section: ftsTokens(candidate.section ?? ''),
    },
  }));
  const lengths = tokenised.map(
    ({ columns }) => columns.text.length + columns.title.length + columns.section.length,
  );
  const averageLength = lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, lengths.length) || 1;
  const idf = terms.map((term) => {
    const n = term.documents;
    const value = Math.log((totalDocuments - n + 0.5) / (n + 0.5));
    return value > 0 ? value : 1e-6;
  });
  return tokenised
    .map(({ candidate, columns }, index) => {
      const length = lengths[index] ?? 0;
      let score = 0;
      terms.forEach((term, t) => {
        const frequency =
          WEIGHTS.text * occurrences(columns.text, term.tokens) +
          WEIGHTS.title * occurrences(columns.title, term.tokens) +
          WEIGHTS.section * occurrences(columns.section, term.tokens);
        if (frequency === 0) return;
        score +=
          ((idf[t] ?? 0) * frequency * (K1 + 1)) /
          (frequency + K1 * (1 - B + (B * length) / averageLength));
      });
      return { candidate, score, index };
    })
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.candidate);
}

/** How often a phrase (one or more tokens in a row) occurs in a token list. */
function occurrences(tokens: readonly string[], phrase: readonly string[]): number {
  const first = phrase[0];
  if (first === undefined) return 0;
  let count = 0;
  for (let i = tokens.indexOf(first); i !== -1; i = tokens.indexOf(first, i + 1)) {
    if (phrase.every((token, offset) => tokens[i + offset] === token)) count += 1;
  }
  return count;
}
