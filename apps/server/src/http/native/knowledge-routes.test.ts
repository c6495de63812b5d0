import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioAnswerer } from '../../ai/answer/studio-answerer.js';
import { KnowledgeBases } from '../../ai/knowledge-bases.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

describe.each(DIALECTS)('knowledge base settings and custom answers on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.app.inject({
      method,
      url: `/api/native${url}`,
      headers: {
        ...bearer(t.first.accountToken),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it('curates answers that win over retrieval, and validates retrieval settings', async () => {
    const kb = await new KnowledgeBases(t.runtime.context).create(t.first.account.id, 'Help', null);
    const added = await call('POST', `/knowledge-bases/${String(kb.id)}/custom-answers`, {
      question: 'Do you ship to Canada?',
      answer: 'Yes, in 5 to 8 days.',
    });
    expect(added.statusCode).toBe(201);
    const listed = await call('GET', `/knowledge-bases/${String(kb.id)}/custom-answers`);
    expect(listed.json()).toEqual({
      custom_answers: [
        {
          id: added.json<{ id: number }>().id,
          question: 'Do you ship to Canada?',
          answer: 'Yes, in 5 to 8 days.',
        },
      ],
    });
    const answer = await new StudioAnswerer(t.runtime.context).answer({
      accountId: t.first.account.id,
      question: 'do you ship to canada',
    });
    expect(answer).toEqual({ answer: 'Yes, in 5 to 8 days.', citations: [] });

    expect(
      (await call('PUT', `/knowledge-bases/${String(kb.id)}/settings`, { scoreThreshold: 2 }))
        .statusCode,
    ).toBe(400);
    const saved = await call('PUT', `/knowledge-bases/${String(kb.id)}/settings`, { topK: 8 });
    expect(saved.json()).toEqual({ topK: 8, scoreThreshold: 0.3 });

    const removed = await call(
      'DELETE',
      `/knowledge-bases/${String(kb.id)}/custom-answers/${String(added.json<{ id: number }>().id)}`,
    );
    expect(removed.statusCode).toBe(204);
    expect(
      (await call('DELETE', `/knowledge-bases/${String(kb.id)}/custom-answers/999`)).statusCode,
    ).toBe(404);
    const other = await t.createAccount('Other');
    const theirs = await new KnowledgeBases(t.runtime.context).create(
      other.account.id,
      'Theirs',
      null,
    );
    expect(
      (await call('GET', `/knowledge-bases/${String(theirs.id)}/custom-answers`)).statusCode,
    ).toBe(400);
  });
});
