import { expect } from 'vitest';
import { bearer, type TestApp } from '../../testing/test-app.js';

export interface Headers {
  authorization: string;
}

/** Helpers over the inbox API of a test app's first account, through public routes only. */
export function inboxFixture(t: TestApp) {
  const admin = bearer(t.first.accountToken);

  /** Calls a native route and checks the status (default 201 for POST, else 200). */
  async function request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { payload?: object; headers?: Headers; status?: number } = {},
  ) {
    const response = await t.app.inject({
      method,
      url: `/api/native${url}`,
      headers: options.headers ?? admin,
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });
    const expected = options.status ?? (method === 'POST' ? 201 : 200);
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(expected);
    return response;
  }

  /** `request`, answering the parsed JSON body. */
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { payload?: object; headers?: Headers; status?: number } = {},
  ): Promise<T> {
    return (await request(method, url, options)).json<T>();
  }

  async function channel(name: string, type = 'whatsapp'): Promise<number> {
    return (
      await call<{ id: number }>('POST', '/channels', {
        payload: { type, provider: 'sandbox', name },
      })
    ).id;
  }

  /** A message from a contact (the first from a number opens its conversation). */
  async function inbound(channelId: number, from: string, text: string): Promise<string> {
    const result = await call<{ conversation_id: string }>(
      'POST',
      `/channels/${channelId}/sandbox/inbound`,
      { payload: { from, name: `Contact ${from}`, content: { type: 'text', text } }, status: 200 },
    );
    return result.conversation_id;
  }

  /** The account's event log rows of one type, oldest first, payloads parsed. */
  async function events(type: string): Promise<unknown[]> {
    const rows = await t.runtime.database.db
      .selectFrom('account_events')
      .select('payload')
      .where('account_id', '=', t.first.account.id)
      .where('type', '=', type)
      .orderBy('id')
      .execute();
    return rows.map((row): unknown => JSON.parse(row.payload));
  }

  return { admin, request, call, channel, inbound, events };
}
