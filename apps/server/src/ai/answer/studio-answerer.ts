import type { AiAnswerer } from '../../core/bots/bot-calls.js';
import { readAccountSettings } from '../../core/accounts/account-settings.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { parseKnowledgeBaseSettings } from '../knowledge-base-settings.js';
import type { OpenAiClient } from '../llm/openai-client.js';
import { searchHybrid } from '../retrieval/hybrid.js';
import type { Passage } from '../retrieval/search.js';
import type { Embedder } from '../training/index-chunks.js';
import { DEFAULT_MAX_TURNS, runAgentLoop } from './agent-loop.js';
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
 * answer. Every answer carries its citations (title and URL). The AI agent's functions, with a
 * model, are called in a loop (agent-loop.ts). Used-up AI credits throw AI_CREDITS_EXHAUSTED.
 */
export class StudioAnswerer implements AiAnswerer {
  constructor(
    private readonly context: ServiceContext,
    private readonly provider: {
      readonly client?: OpenAiClient | undefined;
      readonly embedder?: Embedder | undefined;
      /** For the AI agent's functions; without it (or a client) the agent calls none. */
      readonly http?: GuardedHttpClient | undefined;
    } = {},
  ) {}

  async answer(question: Question): Promise<Answer | null> {
    const { accountId } = question;
    const kbIds = await this.#knowledgeBases(accountId, question.knowledgeBaseId);
    const custom = await findCustomAnswer(this.context.db, accountId, kbIds, question.question);
    if (custom !== undefined) return { answer: custom, citations: [] };
    const functions = await this.#functions(accountId, question.functions);
    if (kbIds.length === 0 && functions.length === 0) return null;
    const passages = kbIds.length === 0 ? [] : await this.#passages(accountId, kbIds, question);
    if (passages.length === 0 && functions.length === 0) return null;
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
      throw new DomainError('AI_CREDITS_EXHAUSTED');
    }
    const instructions = await this.#instructions(accountId, question);
    const prompt = groundedPrompt(question.question, passages, instructions, {
      functions: functions.length > 0,
    });
    const onUsage = (promptTokens: number, completionTokens: number) =>
      recordUsage(this.context.db, accountId, promptTokens, completionTokens);
    let text: string;
    let calledFunctions = 0;
    if (functions.length > 0 && this.provider.http !== undefined) {
      const maxTurns = question.maxTurns ?? DEFAULT_MAX_TURNS;
      const result = await runAgentLoop({
        client,
        http: this.provider.http,
        messages: prompt,
        functions,
        maxTurns,
        onUsage,
      });
      if (result === null) {
        this.context.logger.info({ accountId, maxTurns }, 'AI agent: turn limit, no answer');
        return null;
      }
      ({ text, calledFunctions } = result);
    } else {
      const reply = await client.chat(prompt);
      await onUsage(reply.promptTokens, reply.completionTokens);
      text = reply.text;
    }
    text = text.trim();
    if (text === '' || text.includes(NO_ANSWER)) return null;
    const cited = citedPassages(text, passages);
    const fallback = calledFunctions > 0 ? [] : passages.slice(0, 1);
    return { answer: text, citations: citationsOf(cited.length > 0 ? cited : fallback) };
  }

  async #passages(accountId: number, kbIds: number[], question: Question): Promise<Passage[]> {
    const settings = await this.#settings(accountId, kbIds);
    const found = await searchHybrid(
      this.context.db,
      this.context.dialect,
      { accountId, knowledgeBaseIds: kbIds, question: question.question, limit: settings.topK },
      this.provider.embedder,
    );
    return found.filter((passage) => passage.score >= settings.scoreThreshold);
  }

  /** The named prompt's text first, then the block's own instructions. */
  async #instructions(accountId: number, question: Question): Promise<string | undefined> {
    const parts: string[] = [];
    if (question.promptName !== undefined && question.promptName !== '') {
      const prompt = await this.context.db
        .selectFrom('ai_prompts')
        .select('text')
        .where('account_id', '=', accountId)
        .where('name', '=', question.promptName)
        .executeTakeFirst();
      if (prompt === undefined)
        this.context.logger.warn({ accountId, prompt: question.promptName }, 'no such AI prompt');
      else parts.push(prompt.text.trim());
    }
    if (question.instructions !== undefined) parts.push(question.instructions.trim());
    const joined = parts.filter((part) => part !== '').join('\n\n');
    return joined === '' ? undefined : joined;
  }

  /** The agent's functions, when it has some and they can be called (a model, an HTTP client). */
  async #functions(accountId: number, names: readonly string[] | undefined) {
    if (names === undefined || names.length === 0) return [];
    if (this.provider.client === undefined || this.provider.http === undefined) return [];
    return this.context.db
      .selectFrom('ai_functions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', 'in', [...names])
      .orderBy('id')
      .execute();
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
