import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';

describe.each(STACKS)('native API on $name', (stack) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(stack);
    admin = bearer(t.first.accountToken);
  });
  afterEach(async () => {
    await t.close();
  });

  async function activeUser(email: string, roleName: string): Promise<number> {
    const roles = await t.runtime.services.roles.list(t.first.account.id, { limit: 50, offset: 0 });
    const role = roles.roles.find((candidate) => candidate.role.name === roleName)?.role.id ?? 0;
    const invited = await t.app.inject({
      method: 'POST',
      url: '/api/native/users/invitations',
      headers: admin,
      payload: { email, role_id: role },
    });
    expect(invited.statusCode).toBe(201);
    const key = new URL(
      invited.json<{ invitation_link: string }>().invitation_link,
    ).searchParams.get('invitation_key');
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/native/invitations/accept',
      payload: { invitation_key: key, password: 'password-123' },
    });
    return accepted.json<{ id: number }>().id;
  }

  it('signs in, refreshes once (the old refresh token dies), and refuses a wrong password', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/native/auth/login',
      payload: { email: t.first.admin.email, password: t.first.adminPassword },
    });
    expect(login.statusCode).toBe(200);
    const first = login.json<{ access_token: string; refresh_token: string; expires_in: number }>();
    expect(first.expires_in).toBe(900);
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/native/auth/refresh',
      payload: { refresh_token: first.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/native/auth/refresh',
      payload: { refresh_token: first.refresh_token },
    });
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    const me = await t.app.inject({
      url: '/api/native/me',
      headers: bearer(refreshed.json<{ access_token: string }>().access_token),
    });
    expect(me.json()).toMatchObject({ kind: 'session', user: { id: t.first.admin.id } });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/native/auth/login',
      payload: { email: t.first.admin.email, password: 'not it' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
  });

  it('manages teams, and only roles with the teams switch may change them', async () => {
    const agentId = await activeUser('agent@example.com', 'agent');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: admin,
      payload: { name: 'Support', member_ids: [agentId, t.first.admin.id] },
    });
    expect(created.statusCode).toBe(201);
    const team = created.json<{ id: number; member_ids: number[] }>();
    expect(team.member_ids).toEqual([t.first.admin.id, agentId].sort((a, b) => a - b));
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: admin,
      payload: { name: 'Support' },
    });
    expect(duplicate.json()).toMatchObject({ error: { code: 'TEAM_ALREADY_EXISTS' } });
    const stranger = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: admin,
      payload: { name: 'Sales', member_ids: [999_999] },
    });
    expect(stranger.json()).toMatchObject({ error: { code: 'USER_NOT_FOUND' } });
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/native/teams/${team.id}`,
      headers: admin,
      payload: { name: 'Care', member_ids: [agentId] },
    });
    expect(renamed.json()).toMatchObject({ name: 'Care', member_ids: [agentId] });

    const agentToken = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'user', name: 'agent', user_id: agentId },
    });
    const agent = bearer(agentToken.json<{ token: string }>().token);
    expect((await t.app.inject({ url: '/api/native/teams', headers: agent })).statusCode).toBe(200);
    const forbidden = await t.app.inject({
      method: 'DELETE',
      url: `/api/native/teams/${team.id}`,
      headers: agent,
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({
      error: { code: 'PERMISSION_DENIED', details: { permission: 'account_settings.teams' } },
    });
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/native/teams/${team.id}`,
          headers: admin,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/native/teams/${team.id}`, headers: admin })).json(),
    ).toMatchObject({ error: { code: 'TEAM_NOT_FOUND' } });
  });

  it('issues tokens stored only as hashes, narrows them by scope, expires and revokes them', async () => {
    const scoped = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'account', name: 'read-only', scopes: ['analytics.full_access'] },
    });
    expect(scoped.statusCode).toBe(201);
    // An account token acts for the account: a user id given with one is an error, not a 500.
    const withUser = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'account', name: 'mixed', user_id: 2147483648 },
    });
    expect(withUser.statusCode).toBe(400);
    expect(withUser.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const { token, id } = scoped.json<{ token: string; id: number }>();
    const stored = await t.runtime.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);

    const narrowed = bearer(token);
    expect(
      (
        await t.app.inject({
          url: `/v1/accounts/${t.first.account.id}/user-roles`,
          headers: narrowed,
        })
      ).statusCode,
    ).toBe(200);
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${t.first.account.id}/user`,
      headers: narrowed,
      payload: { user: { email: 'x@example.com', role_id: 1 } },
    });
    expect(invite.statusCode).toBe(403);

    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'account', name: 'old', expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(
      (
        await t.app.inject({
          url: '/api/native/me',
          headers: bearer(expired.json<{ token: string }>().token),
        })
      ).statusCode,
    ).toBe(401);

    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/native/tokens/${id}`, headers: admin }))
        .statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/native/me', headers: narrowed })).statusCode).toBe(401);
    const listed = await t.app.inject({ url: '/api/native/tokens', headers: admin });
    expect(
      listed
        .json<{ tokens: { id: number; revoked_at: string | null }[] }>()
        .tokens.find((row) => row.id === id)?.revoked_at,
    ).not.toBeNull();
  });
});
