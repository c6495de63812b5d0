import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors/domain-error.js';
import { bearer, createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../testing/test-app.js';
import { nativeErrors } from './errors/native-errors.js';
import { toProblem } from './errors/problem.js';
import { wotnotErrors } from './wotnot/wotnot-errors.js';

/** Behaviour every route shares: request ids, limits, CORS, docs, error envelopes. */
describe('the HTTP app', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('echoes or assigns a request id on every response', async () => {
    t = await createTestApp('sqlite');
    const given = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const assigned = await t.app.inject({ url: '/healthz' });
    expect(assigned.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents every route it serves in /openapi.json', async () => {
    t = await createTestApp('sqlite');
    const spec = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const served = t.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((line) => line.includes('/'));
    expect(served.length).toBeGreaterThan(10);
    for (const route of [
      'GET /v1/accounts/{account}/user-roles',
      'POST /v1/accounts/{account}/user',
      'PUT /v1/accounts/{account}/users/{user}',
      'DELETE /v1/accounts/{account}/users/{user}',
      'POST /api/native/auth/login',
      'POST /api/native/teams',
      'DELETE /api/native/tokens/{id}',
      'GET /readyz',
      'GET /metrics',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('publishes the JSON Schemas of message content and of bot flows', async () => {
    t = await createTestApp('sqlite');
    const message = await t.app.inject({ url: '/schemas/message.json' });
    expect(message.statusCode).toBe(200);
    expect(message.headers['content-type']).toContain('application/schema+json');
    expect(JSON.stringify(message.json())).toContain('quick_replies');
    const flow = await t.app.inject({ url: '/schemas/flow.json' });
    expect(flow.statusCode).toBe(200);
    expect(JSON.stringify(flow.json())).toContain('edges');
  });

  it('answers an oversized body with 413 in the route dialect and an unknown route with 404', async () => {
    t = await createTestApp('sqlite', { PARLEY_BODY_LIMIT_BYTES: '1024' });
    const big = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${t.first.account.id}/user`,
      headers: { ...bearer(t.first.accountToken), 'content-type': 'application/json' },
      payload: JSON.stringify({
        user: { email: 'a@b.co', role_id: 1, first_name: 'x'.repeat(2_000) },
      }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ ok: false, error: 'PAYLOAD_TOO_LARGE', status: 413 });
    const broken = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${t.first.account.id}/user`,
      headers: { ...bearer(t.first.accountToken), 'content-type': 'application/json' },
      payload: '{"user":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ ok: false, error: 'BAD_REQUEST' });
    const missing = await t.app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('answers what the router refuses, and unknown routes, in the dialect of the path', async () => {
    t = await createTestApp('sqlite');
    const headers = bearer(TEST_ACCOUNT_TOKEN);
    const long = 'x'.repeat(150);
    const native = await t.app.inject({ url: `/api/native/users/${long}`, headers });
    expect(native.statusCode).toBe(400);
    expect(native.json()).toMatchObject({
      error: {
        code: 'BAD_REQUEST',
        message: 'A path parameter is longer than any id or key can be.',
      },
    });
    const wotnot = await t.app.inject({ url: `/v1/bots/${long}/flow`, headers });
    expect(wotnot.statusCode).toBe(400);
    expect(wotnot.json()).toMatchObject({ ok: false, error: 'BAD_REQUEST', status: 400 });
    const malformed = await t.app.inject({ url: '/api/native/users/%zz', headers });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const unknown = await t.app.inject({ url: '/v1/nowhere', headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: 'ROUTE_NOT_FOUND', status: 404 });
  });

  it('rate-limits per token: one busy integration does not starve another', async () => {
    t = await createTestApp('sqlite', { PARLEY_RATE_LIMIT_PER_MINUTE: '3' });
    const other = await t.createAccount('Second');
    const path = `/v1/accounts/${t.first.account.id}/user-roles`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1)
      statuses.push(
        (await t.app.inject({ url: path, headers: bearer(t.first.accountToken) })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.app.inject({ url: path, headers: bearer(t.first.accountToken) });
    expect(limited.json()).toMatchObject({ ok: false, error: 'RATE_LIMITED', status: 429 });
    const fresh = await t.app.inject({
      url: `/v1/accounts/${other.account.id}/user-roles`,
      headers: bearer(other.accountToken),
    });
    expect(fresh.statusCode).toBe(200);
    // Health checks are never rate-limited.
    for (let i = 0; i < 5; i += 1)
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('allows only the configured CORS origins', async () => {
    t = await createTestApp('sqlite', { PARLEY_CORS_ORIGINS: 'https://app.example.com' });
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/native/me',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const refused = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/native/me',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    // The widget's visitor API stays open to every site that embeds it, without credentials.
    const widget = await t.app.inject({
      method: 'OPTIONS',
      url: '/widget/v1/bots/some-key/config',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' },
    });
    expect(widget.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(widget.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('allows any origin, without credentials, by default', async () => {
    t = await createTestApp('sqlite');
    for (const url of ['/api/native/me', '/widget/v1/bots/some-key/config']) {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode, url).toBe(204);
      expect(preflight.headers['access-control-allow-origin'], url).toBe(
        'https://anywhere.example',
      );
      expect(preflight.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    const simple = await t.app.inject({
      url: '/healthz',
      headers: { origin: 'https://anywhere.example' },
    });
    expect(simple.headers['access-control-allow-origin']).toBe('https://anywhere.example');
  });
});

describe('NUL characters', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  // PostgreSQL cannot store them; refused alike on every database, in each dialect's envelope.
  it('refuses a body or query holding one as invalid, naming where it is', async () => {
    t = await createTestApp('sqlite');
    const native = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: bearer(TEST_ACCOUNT_TOKEN),
      payload: { name: 'Sales\u0000' },
    });
    expect(native.statusCode).toBe(400);
    expect(native.json()).toMatchObject({
      error: {
        code: 'BAD_REQUEST',
        issues: [{ path: ['name'], message: 'must not contain NUL (\\u0000) characters' }],
      },
    });
    const wotnot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversation/abc/messages',
      headers: bearer(TEST_ACCOUNT_TOKEN),
      payload: { message: { type: 'text', text: 'Hi\u0000' }, user: { by: 'a@b.co' } },
    });
    expect(wotnot.statusCode).toBe(400);
    expect(wotnot.json()).toMatchObject({ ok: false, code: 'INVALID_DATA', status: 400 });
    const query = await t.app.inject({
      url: '/api/native/conversations?label=a%00',
      headers: bearer(TEST_ACCOUNT_TOKEN),
    });
    expect(query.statusCode).toBe(400);
  });
});

describe('error mapping', () => {
  it('turns an unexpected error into a 500 that reveals nothing', () => {
    const problem = toProblem(new Error('password=hunter2 at db.ts:42'));
    expect(problem.unexpected).toBe(true);
    const native = nativeErrors.toResponse(problem, 'req-1');
    expect(native.status).toBe(500);
    expect(JSON.stringify(native.body)).not.toContain('hunter2');
    expect(native.body).toEqual({
      error: {
        code: 'INTERNAL_ERROR',
        message: 'Something went wrong. It has been logged.',
        request_id: 'req-1',
      },
    });
    expect(wotnotErrors.toResponse(problem, 'req-1')).toEqual({
      status: 500,
      body: {
        ok: false,
        error: 'INTERNAL_ERROR',
        code: 'INTERNAL_ERROR',
        status: 500,
        message: 'Something went wrong. It has been logged.',
      },
    });
  });

  it('maps one domain error to each dialect from the single catalog', () => {
    const problem = toProblem(new DomainError('TEAM_NOT_FOUND'));
    expect(nativeErrors.toResponse(problem, 'r').status).toBe(404);
    expect(wotnotErrors.toResponse(problem, 'r').body).toEqual({
      ok: false,
      error: 'TEAM_NOT_FOUND',
      code: 'TEAM_NOT_FOUND',
      status: 404,
      message: 'Team not found for this account.',
    });
  });
});
