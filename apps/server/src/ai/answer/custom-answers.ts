import type { Db } from '../../storage/database.js';
import { coverage, queryTerms } from '../retrieval/query-terms.js';

/** How much of a curated question a visitor's words must match (both ways) to use its answer. */
const MATCH = 0.75;

/**
 * WotNot's "Custom Answers": curated question/answer pairs that win over retrieval. A pair
 * matches when the visitor's question and the curated one share most of their words, in
 * both directions (so "pricing?" does not match "what is the pricing of the enterprise API").
 */
export async function findCustomAnswer(
  db: Db,
  accountId: number,
  kbIds: readonly number[],
  question: string,
): Promise<string | undefined> {
  const rows = await db
    .selectFrom('kb_custom_answers')
    .select(['question', 'answer', 'kb_id'])
    .where('account_id', '=', accountId)
    .execute();
  const asked = queryTerms(question);
  let best: { answer: string; score: number } | undefined;
  for (const row of rows) {
    if (row.kb_id !== null && !kbIds.includes(row.kb_id)) continue;
    const curated = queryTerms(row.question);
    const score = Math.min(coverage(curated, asked.join(' ')), coverage(asked, curated.join(' ')));
    if (score >= MATCH && (best === undefined || score > best.score))
      best = { answer: row.answer, score };
  }
  return best?.answer;
}
