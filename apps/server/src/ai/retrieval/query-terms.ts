/**
 * Turning a question into search terms, for any language: Unicode letters and digits
 * (NFKC, lower-cased, diacritics kept for display but folded by the index), no stemming;
 * a short list of function words in a few common languages is dropped so "what is the" does
 * not make every passage look relevant.
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on or ' +
    'our so that the their there these this to was we what when where which who why will with you your ' +
    'der die das und ist ein eine zu den von mit sich des auf für im dem nicht wie ich sie es ' +
    'le la les et est un une des du en que qui pour dans sur au pas ' +
    'el los las y es un una de que en por para con no se lo ' +
    'il lo gli e di che per non con una'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu;

export function queryTerms(question: string): string[] {
  const words = question.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  const terms = words
    .map((word) => word.replace(/['’-]+$/u, ''))
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
  return [...new Set(terms)].slice(0, 32);
}

/** Diacritics folded, as the index folds them (FTS5 remove_diacritics, coverage checks). */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The share of the question's terms a passage contains (0–1): the relevance threshold's measure. */
export function coverage(terms: readonly string[], passage: string): number {
  if (terms.length === 0) return 0;
  const haystack = fold(passage);
  const found = terms.filter((term) => haystack.includes(fold(term))).length;
  return found / terms.length;
}
