import { expect } from 'vitest';
import { bearer, type TestApp } from '../../testing/test-app.js';

/** A valid two-node flow whose message says `text`. */
export function helloFlow(text: string) {
  return {
    schemaVersion: 1,
    variables: [],
    nodes: [
      { id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 } },
      { id: 'hello', type: 'message', data: { text }, position: { x: 0, y: 100 } },
    ],
    edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'hello' }],
  };
}

/** Structurally sound, semantically broken: an unknown block and an edge to nowhere. */
export const brokenFlow = {
  ...helloFlow('Hi'),
  nodes: [
    ...helloFlow('Hi').nodes,
    { id: 'mystery', type: 'teleport', data: {}, position: { x: 0, y: 200 } },
  ],
  edges: [
    ...helloFlow('Hi').edges,
    { id: 'e2', source: 'hello', sourceHandle: 'next', target: 'nowhere' },
  ],
};

export interface BotBody {
  id: number;
  title: string;
  channels: string[];
  active: boolean;
  bot_key: string;
  preview_key: string;
  deployed_version: number | null;
  draft_revision: number;
}

export interface DraftBody {
  revision: number;
  valid: boolean;
  problems: { node_id: string | null; path: (string | number)[]; message: string }[];
  flow: { nodes: { id: string; data: Record<string, unknown> }[] };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Options {
  payload?: object;
  headers?: Record<string, string>;
  status?: number;
}

/** The bot editor API of a test app's first account, called as its account token. */
export function botEditorFixture(t: TestApp) {
  const admin = bearer(t.first.accountToken);

  /** Calls a native route and checks the status (default 201 for POST, else 200). */
  async function request(method: Method, url: string, options: Options = {}) {
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

  async function call<T>(method: Method, url: string, options: Options = {}): Promise<T> {
    return (await request(method, url, options)).json<T>();
  }

  /** The native error envelope's code and details of a call expected to fail. */
  async function failure(method: Method, url: string, status: number, options: Options = {}) {
    return call<{
      error: { code: string; details?: Record<string, unknown>; issues?: unknown[] };
    }>(method, url, { ...options, status });
  }

  async function createBot(title: string, extra: object = {}): Promise<BotBody> {
    return call<BotBody>('POST', '/bots', { payload: { title, ...extra } });
  }

  async function saveDraft(botId: number, flow: object, revision?: number): Promise<DraftBody> {
    return call<DraftBody>('PUT', `/bots/${botId}/draft`, {
      payload: revision === undefined ? { flow } : { flow, revision },
    });
  }

  async function deploy(botId: number, headers?: Record<string, string>) {
    return call<{ version: number; bot: BotBody }>('POST', `/bots/${botId}/deploy`, {
      status: 200,
      ...(headers === undefined ? {} : { headers }),
    });
  }

  return { admin, request, call, failure, createBot, saveDraft, deploy };
}
