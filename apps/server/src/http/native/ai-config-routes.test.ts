import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

const PARAMETERS = {
  type: 'object',
  properties: { id: { type: 'string', description: 'The order number' } },
  required: ['id'],
};

describe.each(DIALECTS)('AI prompts and functions on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token = t.first.accountToken,
  ) =>
    t.app.inject({
      method,
      url: `/api/native${url}`,
      headers: {
        ...bearer(token),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it('saves named prompts, unique per account, at most 8k characters', async () => {
    const added = await call('POST', '/ai/prompts', { name: 'tone', text: 'Be cheerful.' });
    expect(added.statusCode).toBe(201);
    const id = added.json<{ id: number }>().id;
    expect((await call('POST', '/ai/prompts', { name: 'tone', text: 'Again' })).statusCode).toBe(
      409,
    );
    expect(
      (await call('POST', '/ai/prompts', { name: 'long', text: 'x'.repeat(8_001) })).statusCode,
    ).toBe(400);
    const changed = await call('PUT', `/ai/prompts/${String(id)}`, { text: 'Be brief.' });
    expect(changed.json()).toMatchObject({ id, name: 'tone', text: 'Be brief.' });
    expect((await call('GET', '/ai/prompts')).json()).toMatchObject({
      prompts: [{ id, name: 'tone', text: 'Be brief.' }],
    });

    const other = await t.createAccount('Other');
    expect(
      (await call('POST', '/ai/prompts', { name: 'tone', text: 'Theirs' }, other.accountToken))
        .statusCode,
    ).toBe(201);
    expect((await call('GET', '/ai/prompts', undefined, other.accountToken)).json()).toMatchObject({
      prompts: [{ text: 'Theirs' }],
    });
    expect(
      (await call('DELETE', `/ai/prompts/${String(id)}`, undefined, other.accountToken)).statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/ai/prompts/${String(id)}`)).statusCode).toBe(204);
    expect((await call('PUT', `/ai/prompts/${String(id)}`, { text: 'x' })).statusCode).toBe(404);
  });

  it('saves functions, validating the name, the parameters schema and the URL', async () => {
    const fn = {
      name: 'order_status',
      description: 'Looks up an order',
      parameters: PARAMETERS,
      method: 'GET',
      url: 'https://shop.example/orders/{{id}}',
    };
    const added = await call('POST', '/ai/functions', fn);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ ...fn, headers: {} });
    const id = added.json<{ id: number }>().id;
    expect((await call('POST', '/ai/functions', fn)).statusCode).toBe(409);
    for (const bad of [
      { name: 'has space' },
      { parameters: { type: 'array', items: {} } },
      { parameters: { type: 'object', properties: {}, required: ['id'] } },
      { parameters: { type: 'object', properties: { id: { type: 'date' } } } },
      { url: 'ftp://shop.example/orders' },
      { url: 'not a url' },
      { method: 'DELETE' },
    ]) {
      const refused = await call('POST', '/ai/functions', { ...fn, name: 'other', ...bad });
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const changed = await call('PUT', `/ai/functions/${String(id)}`, {
      method: 'POST',
      headers: { 'x-api-key': 'k1' },
    });
    expect(changed.json()).toMatchObject({
      name: 'order_status',
      method: 'POST',
      parameters: PARAMETERS,
      headers: { 'x-api-key': 'k1' },
    });
    expect((await call('GET', '/ai/functions')).json()).toMatchObject({
      functions: [{ id, name: 'order_status', headers: { 'x-api-key': 'k1' } }],
    });
    expect((await call('DELETE', `/ai/functions/${String(id)}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/ai/functions/${String(id)}`)).statusCode).toBe(404);
  });
});
