import { ftsPhrase, type FtsTerm } from './fts-terms.js';

/**
 * How many chunks a lexical search may rank exactly. FTS5 computes `bm25()` for every chunk
 * matching the expression (about 2.5 µs each, plus reading each term's whole document list
 * for its IDF), and a question of six ordinary words OR-ed together matches half of a large
 * knowledge base. Below this many candidates the search ranks exactly; above it, it plans.
 */
export const EXACT_RANKING_BUDGET = 4_000;

/** A term with the number of chunks (in the whole index) that contain it. */
export interface CountedTerm extends FtsTerm {
  readonly documents: number;
}

/**
 * What FTS5 is asked: `exact` ranks every chunk that has any of the terms, as BM25 means;
 * `common-terms` follows Lucene's CommonTermsQuery (Elasticsearch's `cutoff_frequency`):
 * candidates must contain one of the rarer terms, whose document counts add up to at most the
 * budget (or, when every term is common, the two rarest together), and all the terms, common
 * ones included, then rank the best candidates (see bm25.ts). Common terms carry the least
 * weight in BM25 anyway (low IDF); what the plan gives up is a chunk that has only common terms.
 */
export type SearchPlan =
  | { readonly kind: 'exact'; readonly match: string }
  | {
      readonly kind: 'common-terms';
      readonly match: string;
    };

/** Sizes the plan weighs: the knowledge bases searched, and the whole index. */
export interface IndexSizes {
  readonly knowledgeBaseIds: readonly number[];
  readonly knowledgeBaseChunks: number;
  readonly indexedChunks: number;
}

/**
 * Whether the knowledge bases are named inside the match. Naming them costs what their
 * scope token's document list costs to read (FTS5 reads every phrase's list to compute its
 * IDF): worth it when they are a small part of the index, a waste when they are most of it;
 * then the search ranks the index and drops other knowledge bases' chunks after the join,
 * ranking proportionally deeper (see rankingDepth).
 */
export function scoped(sizes: IndexSizes): boolean {
  return sizes.knowledgeBaseChunks * 2 <= sizes.indexedChunks;
}

/** How many ranked rows to read so that `wanted` of them are likely the knowledge bases'. */
export function rankingDepth(sizes: IndexSizes, wanted: number): number {
  if (scoped(sizes) || sizes.knowledgeBaseChunks === 0) return wanted;
  return Math.ceil((wanted * sizes.indexedChunks) / sizes.knowledgeBaseChunks);
}

export function planSearch(
  terms: readonly CountedTerm[],
  sizes: IndexSizes,
  budget = EXACT_RANKING_BUDGET,
): SearchPlan | null {
  const present = terms.filter((term) => term.documents > 0);
  if (present.length === 0 || sizes.knowledgeBaseIds.length === 0) return null;
  const inScope = scoped(sizes);
  const scope = inScope
    ? `(${sizes.knowledgeBaseIds.map((id) => `fts_scope : "kb${String(id)}"`).join(' OR ')}) AND `
    : '';
  const total = present.reduce((sum, term) => sum + term.documents, 0);
  const ranked = inScope ? Math.min(total, sizes.knowledgeBaseChunks) : total;
  if (ranked <= budget)
    return { kind: 'exact', match: `${scope}(${present.map(ftsPhrase).join(' OR ')})` };
  const rarestFirst = [...present].sort((a, b) => a.documents - b.documents);
  const selective: CountedTerm[] = [];
  let candidates = 0;
  for (const term of rarestFirst) {
    if (candidates + term.documents > budget) break;
    selective.push(term);
    candidates += term.documents;
  }
  const filter =
    selective.length > 0
      ? selective.map(ftsPhrase).join(' OR ')
      : rarestFirst.slice(0, 2).map(ftsPhrase).join(' AND ');
  return { kind: 'common-terms', match: `${scope}(${filter})` };
}
