import { describe, expect, it } from 'vitest';
import { rankByBm25 } from './bm25.js';
import { ftsTerms, ftsTokens } from './fts-terms.js';
import { planSearch, rankingDepth, type CountedTerm } from './search-plan.js';

const counted = (documents: Record<string, number>): CountedTerm[] =>
  ftsTerms(Object.keys(documents)).map((term) => ({
    ...term,
    documents: documents[term.term] ?? 0,
  }));

const small = { knowledgeBaseIds: [7], knowledgeBaseChunks: 300, indexedChunks: 100_000 };
const whole = { knowledgeBaseIds: [7], knowledgeBaseChunks: 100_000, indexedChunks: 101_000 };

describe('planning a lexical search', () => {
  it('tokenises terms as FTS5 unicode61 does, so "quick-reply" is a two-token phrase', () => {
    expect(ftsTokens('Quick-Reply')).toEqual(['quick', 'reply']);
    expect(ftsTokens('Müller Straße')).toEqual(['muller', 'straße']);
    expect(ftsTokens('“webhook”, please!')).toEqual(['webhook', 'please']);
  });

  it('ranks every match exactly when the knowledge base is small, restricted to it', () => {
    const plan = planSearch(counted({ refund: 40_000, card: 30_000, missing: 0 }), small);
    expect(plan).toEqual({ kind: 'exact', match: '(fts_scope : "kb7") AND ("refund" OR "card")' });
  });

  it('leaves the scope out when the knowledge base is most of the index, and reads deeper', () => {
    const plan = planSearch(counted({ refund: 900, card: 700 }), whole);
    expect(plan).toEqual({ kind: 'exact', match: '("refund" OR "card")' });
    expect(rankingDepth(whole, 20)).toBe(21);
    expect(rankingDepth(small, 20)).toBe(20);
  });

  it('selects candidates by the rarer terms of a large knowledge base (common-terms plan)', () => {
    const plan = planSearch(
      counted({ widget: 30_000, colour: 1_500, launcher: 2_000, change: 45_000 }),
      whole,
    );
    expect(plan).toEqual({ kind: 'common-terms', match: '("colour" OR "launcher")' });
  });

  it('requires the two rarest together when every term is common', () => {
    const plan = planSearch(counted({ widget: 30_000, message: 50_000, send: 9_000 }), whole);
    expect(plan).toMatchObject({ kind: 'common-terms', match: '("send" AND "widget")' });
  });

  it('has nothing to search when no term occurs in the index', () => {
    expect(planSearch(counted({ zyxx: 0 }), whole)).toBeNull();
  });
});

describe('re-ranking candidates with every term (BM25)', () => {
  const terms = counted({ refund: 50, card: 5_000, days: 20_000 });
  const passage = (text: string, title = 'Help') => ({ text, title, section: null });

  it('puts the passage with the rarest terms and the most of them first', () => {
    const ranked = rankByBm25(terms, 100_000, [
      passage('Delivery takes three days and three more days.'),
      passage('A refund goes back to the card within 14 days.'),
      passage('Pay by card.'),
    ]);
    expect(ranked.map((p) => p.text)).toEqual([
      'A refund goes back to the card within 14 days.',
      'Pay by card.',
      'Delivery takes three days and three more days.',
    ]);
  });

  it('counts a phrase only where its tokens are consecutive', () => {
    const phrase = counted({ 'quick-reply': 10 });
    const ranked = rankByBm25(phrase, 1_000, [
      passage('a reply that is quick'),
      passage('send a quick reply button'),
    ]);
    expect(ranked[0]?.text).toBe('send a quick reply button');
  });
});
