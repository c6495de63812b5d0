import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../testing/fakes/openai-server.js';
import { listenOnLoopback, readBody } from '../../testing/fakes/webhook-transport.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { OpenAiClient } from '../llm/openai-client.js';
import { StudioAnswerer } from './studio-answerer.js';

const ORDER_PARAMETERS = {
  type: 'object',
  properties: { id: { type: 'string', description: 'The order number' } },
  required: ['id'],
};

describe.each(DIALECTS)('the AI agent calling functions on %s', (dialect) => {
  let t: TestApp;
  let ai: FakeOpenAi;
  let api: http.Server;
  let apiUrl = '';
  const received: { method: string; url: string; body: string }[] = [];

  beforeEach(async () => {
    received.length = 0;
    ai = await startFakeOpenAi();
    api = http.createServer((request, response) => {
      void readBody(request).then((body) => {
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          body: body.toString('utf8'),
        });
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ order: 'A 1/2', status: 'shipped on Monday' }));
      });
    });
    apiUrl = await listenOnLoopback(api);
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
    await ai.close();
    api.closeAllConnections();
    await new Promise<void>((resolve) => {
      api.close(() => {
        resolve();
      });
    });
  });

  const addFunction = (name: string, method: 'GET' | 'POST', url: string) =>
    t.runtime.database.db
      .insertInto('ai_functions')
      .values({
        account_id: t.first.account.id,
        name,
        description: 'Looks up an order',
        parameters: JSON.stringify(ORDER_PARAMETERS),
        method,
        url,
        headers: JSON.stringify({ 'x-api-key': 'k1' }),
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
  // The model is on loopback; functions may reach 127.0.0.1 only, never other private addresses.
  const answerer = () =>
    new StudioAnswerer(t.runtime.context, {
      client: new OpenAiClient(new GuardedHttpClient({ allowPrivateNetworks: true }), {
        baseUrl: ai.url,
        apiKey: undefined,
        model: 'fake-model',
        embeddingsModel: undefined,
      }),
      http: new GuardedHttpClient({ allowedAddresses: ['127.0.0.1'] }),
    });
  const ask = (question: string, functions: string[], extra: { maxTurns?: number } = {}) =>
    answerer().answer({ accountId: t.first.account.id, question, functions, ...extra });
  const chats = () => ai.requests.filter((request) => request.path === '/v1/chat/completions');

  it("calls the function with the model's arguments and answers with its data", async () => {
    await addFunction('order_status', 'GET', `${apiUrl}/orders/{{id}}?full=1`);
    await addFunction('order_update', 'POST', `${apiUrl}/orders`);
    ai.callToolNext('order_status', { id: 'A 1/2' });
    const answer = await ask('Where is my order A 1/2?', ['order_status', 'order_update']);
    expect(answer).toEqual({
      answer: expect.stringContaining('shipped on Monday') as unknown,
      citations: [],
    });
    expect(received).toEqual([{ method: 'GET', url: '/orders/A%201%2F2?full=1', body: '' }]);
    const [first, second] = chats();
    expect(JSON.stringify(first?.body)).toContain('"tools":[{"type":"function"');
    expect(JSON.stringify(second?.body)).toContain('"role":"tool"');

    ai.callToolNext('order_update', { id: 'B7' });
    await ask('Cancel order B7', ['order_update']);
    expect(received.at(-1)).toEqual({ method: 'POST', url: '/orders', body: '{"id":"B7"}' });
  });

  it('refuses an off-limits URL and bad arguments, telling the model instead of failing', async () => {
    await addFunction('metadata', 'GET', 'http://169.254.169.254/latest/{{id}}');
    await addFunction('order_status', 'GET', `${apiUrl}/orders/{{id}}`);
    ai.callToolNext('metadata', { id: 'x' });
    ai.answerNext('I could not look that up.');
    expect((await ask('Where is order x?', ['metadata']))?.answer).toBe(
      'I could not look that up.',
    );
    expect(JSON.stringify(chats().at(-1)?.body)).toContain('FORBIDDEN_ADDRESS');

    ai.callToolNext('order_status', { id: 42 });
    ai.answerNext('Which order?');
    expect((await ask('Where is my order?', ['order_status']))?.answer).toBe('Which order?');
    expect(JSON.stringify(chats().at(-1)?.body)).toContain('must be of type string');
    expect(received).toEqual([]);
  });

  it('gives no answer when the turn limit is reached', async () => {
    await addFunction('order_status', 'GET', `${apiUrl}/orders/{{id}}`);
    for (let turn = 0; turn < 3; turn += 1) ai.callToolNext('order_status', { id: 'A1' });
    expect(await ask('Where is A1?', ['order_status'], { maxTurns: 2 })).toBeNull();
    expect(chats()).toHaveLength(2);
    expect(received).toHaveLength(2);
  });

  it('puts a named prompt before the block instructions', async () => {
    await addFunction('order_status', 'GET', `${apiUrl}/orders/{{id}}`);
    await t.runtime.database.db
      .insertInto('ai_prompts')
      .values({
        account_id: t.first.account.id,
        name: 'tone',
        text: 'You are Parley, cheerful.',
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
    ai.answerNext('Hello!');
    await answerer().answer({
      accountId: t.first.account.id,
      question: 'Hi',
      functions: ['order_status'],
      promptName: 'tone',
      instructions: 'Never discuss prices.',
    });
    expect(JSON.stringify(chats()[0]?.body)).toContain(
      'You are Parley, cheerful.\\n\\nNever discuss prices.',
    );
  });
});
