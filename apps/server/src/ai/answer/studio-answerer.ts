import type { AiAnswerer } from '../../core/bots/bot-calls.js';
import { readAccountSettings } from '../../core/accounts/account-settings.js';
import type { ServiceContext } from '../../core/context.js';
import { parseKnowledgeBaseSettings } from '../knowledge-base-settings.js';
import type { OpenAiClient } from '../llm/openai-client.js';
import { searchHybrid } from '../retrieval/hybrid.js';
import type { Passage } from '../retrieval/search.js';
import type { Embedder } from '../training/index-chunks.js';
import { findCustomAnswer } from './custom-answers.js';
import { citedPassages, extractiveAnswer, groundedPrompt, NO_ANSWER } from './grounded-prompt.js';
import { monthTokens, recordUsage } from './usage.js';

type Question = Parameters<AiAnswerer['answer']>[0];
type Answer = NonNullable<Awaited<ReturnType<AiAnswerer['answer']>>>;

/**
 * The AI studio behind the flows' AI blocks: curated custom answers first; then retrieval
 * over the chosen knowledge bases (all of the account's when none is chosen); passages below
 * the knowledge base's relevance threshold are dropped, and with none left there is no
 * answer (the block's "no answer" edge) instead of a guess. With a chat model configured the
 * answer is written from the passages and cites them; without one, the best passage is the
 * answer. Every answer carries its citations (title and URL).
 */
export class StudioAnswerer implements AiAnswerer {
  constructor(
    private readonly context: ServiceContext,
    private readonly provider: {
      readonly client?: OpenAiClient | undefined;
      readonly embedder?: Embedder | undefined;
    } = {},
  ) {}

  async answer(question: Question): Promise<Answer | null> {
    const { accountId } = question;
    const kbIds = await this.#knowledgeBases(accountId, question.knowledgeBaseId);
    const custom = await findCustomAnswer(this.context.db, accountId, kbIds, question.question);
    if (custom !== undefined) return { answer: custom, citations: [] };
    if (kbIds.length === 0) return null;
    const settings = await this.#settings(accountId, kbIds);
    const passages = (
      await searchHybrid(
        this.context.db,
        this.context.dialect,
        { accountId, knowledgeBaseIds: kbIds, question: question.question, limit: settings.topK },
        this.provider.embedder,
      )
    ).filter((passage) => passage.score >= settings.scoreThreshold);
    if (passages.length === 0) return null;
    const client = this.provider.client;
    if (client === undefined) {
      const [best] = passages;
      return best === undefined
        ? null
        : { answer: extractiveAnswer(best), citations: citationsOf([best]) };
    }
    const { limits } = await readAccountSettings(this.context.db, accountId);
    if (
      limits.aiTokensPerMonth !== null &&
      (await monthTokens(this.context.db, accountId)) >= limits.aiTokensPerMonth
    ) {
      this.context.logger.warn(
        { accountId },
        'AI credits used up: AI blocks answer nothing until next month',
      );
      return null;
    }
    const reply = await client.chat(
      groundedPrompt(question.question, passages, question.instructions),
    );
    await recordUsage(this.context.db, accountId, reply.promptTokens, reply.completionTokens);
    const text = reply.text.trim();
    if (text === '' || text.includes(NO_ANSWER)) return null;
    const cited = citedPassages(text, passages);
    return {
      answer: text,
      citations: citationsOf(cited.length > 0 ? cited : passages.slice(0, 1)),
    };
  }

  async #knowledgeBases(accountId: number, chosen: string | undefined): Promise<number[]> {
    let query = this.context.db
      .selectFrom('knowledge_bases')
      .select('id')
      .where('account_id', '=', accountId);
    if (chosen !== undefined) {
      const id = Number(chosen);
      // A knowledge base is chosen by id, or by name in flows written by hand.
      query =
        Number.isInteger(id) && id > 0
          ? query.where('id', '=', id)
          : query.where('name', '=', chosen);
    }
    return (await query.execute()).map((row) => row.id);
  }

  async #settings(accountId: number, kbIds: readonly number[]) {
    const first = await this.context.db
      .selectFrom('knowledge_bases')
      .select('settings')
      .where('account_id', '=', accountId)
      .where('id', '=', kbIds[0] ?? 0)
      .executeTakeFirst();
    return parseKnowledgeBaseSettings(first?.settings ?? '{}');
  }
}

/** One citation per source page or document, in order. */
function citationsOf(passages: readonly Passage[]): Answer['citations'] {
  const seen = new Set<string>();
  const citations: Answer['citations'] = [];
  for (const passage of passages) {
    const key = passage.url ?? passage.title;
    if (seen.has(key)) continue;
    seen.add(key);
    citations.push(
      passage.url === null ? { title: passage.title } : { title: passage.title, url: passage.url },
    );
  }
  return citations;
}
