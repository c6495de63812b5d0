import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAccountSettings, writeAccountSettings } from '../../core/accounts/account-settings.js';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../testing/fakes/openai-server.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { KnowledgeBases } from '../knowledge-bases.js';
import { OpenAiClient } from '../llm/openai-client.js';
import { StudioAnswerer } from './studio-answerer.js';

const FAQ = `# Shipping and returns

## Refunds
Refunds are paid back to the original card within 14 days of the return reaching our warehouse.

## Delivery
Standard delivery takes three to five working days inside the European Union.

## Müller Straße store
Our Berlin store at Müller Straße 12 opens at nine o'clock from Monday to Saturday.
`;

describe.each(DIALECTS)('the AI studio answerer on %s', (dialect) => {
  let t: TestApp;
  let ai: FakeOpenAi;
  let kbId = 0;
  beforeEach(async () => {
    ai = await startFakeOpenAi();
    t = await createTestApp(dialect);
    await t.runtime.startWorkers();
    const kbs = new KnowledgeBases(t.runtime.context);
    const accountId = t.first.account.id;
    kbId = (await kbs.create(accountId, 'Help', null)).id;
    const [source] = await kbs.addSources(
      accountId,
      kbId,
      [{ type: 'text', name: 'faq', source: FAQ }],
      null,
    );
    await waitFor(
      async () => {
        const row = await t.runtime.database.db
          .selectFrom('kb_sources')
          .select('status')
          .where('id', '=', source?.id ?? 0)
          .executeTakeFirst();
        return row?.status === 'trained';
      },
      15_000,
      'the FAQ to train',
    );
  });
  afterEach(async () => {
    await t.close();
    await ai.close();
  });

  const client = () =>
    new OpenAiClient(new GuardedHttpClient({ allowPrivateNetworks: true }), {
      baseUrl: ai.url,
      apiKey: 'sk-test',
      model: 'fake-model',
      embeddingsModel: 'fake-embed',
    });
  const ask = (answerer: StudioAnswerer, question: string, knowledgeBaseId?: string) =>
    answerer.answer({
      accountId: t.first.account.id,
      question,
      ...(knowledgeBaseId === undefined ? {} : { knowledgeBaseId }),
    });

  it('answers from the best passage with its citation when no model is configured, and not at all off-topic', async () => {
    const answerer = new StudioAnswerer(t.runtime.context);
    const refunds = await ask(answerer, 'How long do refunds take?', String(kbId));
    expect(refunds?.answer).toContain('within 14 days');
    expect(refunds?.citations).toEqual([{ title: 'Shipping and returns' }]);
    // Case and accents folded the same way in the index and the question.
    const store = await ask(answerer, 'When does the MÜLLER STRAßE store open?');
    expect(store?.answer ?? '').toContain('Müller Straße 12');
    expect(await ask(answerer, 'Who won the football world cup in 1998?')).toBeNull();
  });

  it('asks the model with the passages, returns its cited answer, records the tokens, and respects the credit limit', async () => {
    const answerer = new StudioAnswerer(t.runtime.context, {
      client: client(),
      embedder: client().embedder(),
    });
    const answer = await ask(answerer, 'How many working days does standard delivery take?');
    expect(answer?.answer).toMatch(/three to five working days.*\[1\]/);
    expect(answer?.citations).toEqual([{ title: 'Shipping and returns' }]);
    const chat = ai.requests.find((request) => request.path === '/v1/chat/completions');
    expect(JSON.stringify(chat?.body)).toContain(
      'Standard delivery takes three to five working days',
    );
    expect(chat?.authorization).toBe('Bearer sk-test');
    const usage = await t.runtime.database.db.selectFrom('ai_usage').selectAll().execute();
    expect(usage).toHaveLength(1);
    expect(Number(usage[0]?.prompt_tokens)).toBeGreaterThan(0);

    // Nothing relevant: no model call at all, no answer.
    const calls = ai.requests.length;
    expect(await ask(answerer, 'What is the capital of Australia?')).toBeNull();
    expect(ai.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(
      ai.requests.slice(0, calls).filter((request) => request.path === '/v1/chat/completions')
        .length,
    );

    const db = t.runtime.database.db;
    const settings = await readAccountSettings(db, t.first.account.id);
    await writeAccountSettings(db, t.first.account.id, {
      ...settings,
      limits: { ...settings.limits, aiTokensPerMonth: 1 },
    });
    await expect(
      ask(answerer, 'How many working days does standard delivery take?'),
    ).rejects.toMatchObject({ code: 'AI_CREDITS_EXHAUSTED' });
  });

  it('prefers a custom answer over retrieval, and says nothing when the model finds no answer in the passages', async () => {
    await t.runtime.database.db
      .insertInto('kb_custom_answers')
      .values({
        account_id: t.first.account.id,
        kb_id: kbId,
        question: 'How long do refunds take?',
        answer: 'Refunds: two weeks at most.',
        created_at: Date.now(),
      })
      .execute();
    const answerer = new StudioAnswerer(t.runtime.context, { client: client() });
    expect(await ask(answerer, 'how long do refunds take')).toEqual({
      answer: 'Refunds: two weeks at most.',
      citations: [],
    });
    // Relevant passages, but the model finds no answer in them: no guess goes out.
    ai.answerNext('NO_ANSWER');
    expect(await ask(answerer, 'Do refunds to the original card cost a fee?')).toBeNull();
    expect(ai.requests.at(-1)?.path).toBe('/v1/chat/completions');
  });
});
