import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

const validFlow = {
  schemaVersion: 1,
  variables: [],
  nodes: [
    { id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 } },
    { id: 'hello', type: 'message', data: { text: 'Hello!' }, position: { x: 0, y: 100 } },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'hello' }],
};

describe.each(DIALECTS)('WotNot bots on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(dialect);
    admin = bearer(t.first.accountToken);
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (url: string, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('creates a bot, deploys a flow (as a string) and fetches it in the seed shape', async () => {
    const created = await post('/v1/bot', { name: 'BOT_NAME', channel: 'API' });
    expect(created.statusCode).toBe(200);
    const { id } = created.json<{ ok: boolean; id: number }>();
    expect(created.json()).toEqual({ ok: true, id });

    const before = await t.app.inject({ url: `/v1/bots/${id}/flow`, headers: admin });
    expect(before.json()).toMatchObject({ ok: true, is_deployed: false, last_deployed_at: null });
    expect(typeof before.json<{ data: unknown }>().data).toBe('string');

    const deployed = await post(`/v1/bots/${id}/deploy`, {
      flow_diagram: JSON.stringify(validFlow),
    });
    expect(deployed.statusCode).toBe(200);
    const body = deployed.json<{
      ok: boolean;
      data: string;
      is_deployed: boolean;
      last_deployed_at: string;
    }>();
    expect(body.is_deployed).toBe(true);
    expect(body.last_deployed_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(JSON.parse(body.data)).toMatchObject({ nodes: [{ id: 'start' }, { id: 'hello' }] });
    const fetched = await t.app.inject({ url: `/v1/bots/${id}/flow`, headers: admin });
    expect(fetched.json()).toEqual(body);

    // A copy made from the bot as a template starts with its flow.
    const copy = await post('/v1/bot', { name: 'Copy', template_id: id, channel: 'WEB' });
    const copied = await t.app.inject({
      url: `/v1/bots/${copy.json<{ id: number }>().id}/flow`,
      headers: admin,
    });
    expect(JSON.parse(copied.json<{ data: string }>().data)).toMatchObject({
      nodes: [{ id: 'start' }, { id: 'hello' }],
    });
  });

  it('refuses an invalid flow naming the nodes at fault, and changes nothing', async () => {
    const id = (await post('/v1/bot', { name: 'Broken' })).json<{ id: number }>().id;
    const broken = {
      ...validFlow,
      nodes: [
        ...validFlow.nodes,
        { id: 'mystery', type: 'teleport', data: {}, position: { x: 0, y: 200 } },
      ],
      edges: [
        ...validFlow.edges,
        { id: 'e2', source: 'hello', sourceHandle: 'next', target: 'nowhere' },
      ],
    };
    const response = await post(`/v1/bots/${id}/deploy`, { flow_diagram: broken });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: string; message: { message: string }[] }>();
    expect(body.error).toBe('INVALID_FLOW');
    const text = body.message.map((entry) => entry.message).join('\n');
    expect(text).toContain('mystery');
    expect(text).toContain('hello');
    const after = await t.app.inject({ url: `/v1/bots/${id}/flow`, headers: admin });
    expect(after.json()).toMatchObject({ is_deployed: false });
    const notJson = await post(`/v1/bots/${id}/deploy`, { flow_diagram: '{not json' });
    expect(notJson.json()).toMatchObject({ error: 'INVALID_FLOW', status: 400 });
  });

  it('answers BOT_NOT_FOUND, MAXIMUM_BOTS_LIMIT_REACHED and lists bots in the seed shape', async () => {
    const missing = await t.app.inject({ url: '/v1/bots/999999/flow', headers: admin });
    expect(missing.json()).toEqual({
      error: 'BOT_NOT_FOUND',
      code: 'BOT_NOT_FOUND',
      ok: false,
      status: 404,
      message: 'Bot not found.',
    });
    const other = await t.createAccount('Other');
    const foreign = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/bot',
        headers: { ...bearer(other.accountToken), 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Theirs' }),
      })
    ).json<{ id: number }>().id;
    expect(
      (await t.app.inject({ url: `/v1/bots/${foreign}/flow`, headers: admin })).statusCode,
    ).toBe(404);

    await t.app.inject({
      method: 'PUT',
      url: '/api/native/account/settings',
      headers: admin,
      payload: { limits: { bots: 1 } },
    });
    expect(
      (await post('/v1/bot', { name: 'Appointment Booking', channel: 'WEB' })).statusCode,
    ).toBe(200);
    const limited = await post('/v1/bot', { name: 'One too many' });
    expect(limited.json()).toMatchObject({
      ok: false,
      message: 'Maximum bots limit reached for the account.',
      error: 'MAXIMUM_BOTS_LIMIT_REACHED',
      code: 'MAXIMUM_BOTS_LIMIT_REACHED',
    });

    const list = await t.app.inject({
      url: `/v1/accounts/${t.first.account.id}/bots`,
      headers: admin,
    });
    const listed = list.json<{ ok: boolean; bots: Record<string, unknown>[] }>();
    expect(listed.ok).toBe(true);
    expect(listed.bots).toHaveLength(1);
    const [bot] = listed.bots;
    expect(Object.keys(bot ?? {}).sort()).toEqual(
      [
        'bot_title',
        'channels',
        'is_active',
        'bot_key',
        'last_deployed_at',
        'is_inactive_by_system',
        'priority',
        'preferred_bot_language',
        'type',
        'outbound_type',
        'bot_owner',
        'created_at',
        'preview_key',
        'bot_id',
      ].sort(),
    );
    expect(bot).toMatchObject({
      bot_title: 'Appointment Booking',
      channels: [{ name: 'WEB' }],
      is_active: false,
      last_deployed_at: null,
      is_inactive_by_system: false,
      priority: 1,
      preferred_bot_language: { label: 'English', code: 'EN' },
      type: 'inbound',
      outbound_type: null,
      bot_owner: null,
    });
    expect(String(bot?.bot_key)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(String(bot?.preview_key)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(String(bot?.created_at)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const unauthorized = await t.app.inject({ url: `/v1/accounts/${t.first.account.id}/bots` });
    expect(unauthorized.json()).toEqual({
      error: 'UNAUTHORIZED',
      code: 'UNAUTHORIZED',
      ok: false,
      status: 401,
      message: 'Invalid token. Provide the valid account token.',
    });
  });
});
