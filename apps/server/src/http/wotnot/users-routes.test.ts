import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountFixture,
  WOTNOT_UNAUTHORIZED as UNAUTHORIZED,
} from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';

describe.each(STACKS)('WotNot roles and invitations on $name', (stack) => {
  let t: TestApp;
  let token: string;
  let account: number;
  let roleId: (name: string) => Promise<number>;

  beforeEach(async () => {
    t = await createTestApp(stack);
    ({ token, account, roleId } = accountFixture(t));
  });
  afterEach(async () => {
    await t.close();
  });

  it('fetches the roles in the seed shape, with their users and pagination', async () => {
    const response = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles`,
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      ok: boolean;
      roles: {
        role_name: string;
        master_role_id: number | null;
        description: string;
        created_at: string;
        role_configuration: Record<string, unknown>;
        users_in_role: {
          email: string;
          user_type_id: number;
          id: number;
          first_name: string | null;
          last_name: string | null;
          image_url: string | null;
        }[];
      }[];
      pagination: unknown;
    }>();
    expect(body.ok).toBe(true);
    expect(body.pagination).toEqual({ offset: 0, limit: 50, total: 4 });
    expect(body.roles.map((role) => role.role_name)).toEqual([
      'admin',
      'agent',
      'bot builder',
      'viewer',
    ]);
    const admin = body.roles[0];
    expect(admin?.master_role_id).toBe(2);
    expect(admin?.description).toBe(
      'Has complete access to configure and manage every aspect of the platform.',
    );
    expect(admin?.created_at).toMatch(/^\d{2}-[A-Z][a-z]{2}-\d{2}, \d{2}:\d{2} (AM|PM)$/);
    expect(Object.keys(admin?.role_configuration ?? {})).toEqual([
      'live_chat',
      'analytics',
      'support_ticket',
      'bot_builder',
      'ticket',
      'account_settings',
      'ai_studio',
      'contacts',
      'app_market',
      'channel_configuration',
    ]);
    expect(admin?.role_configuration.account_settings).toEqual({
      teammates: true,
      billing: true,
      variables: true,
      automation: true,
      csat: true,
      teams: true,
      events: true,
      settings: true,
      link_tracking: true,
    });
    expect(admin?.users_in_role).toEqual([
      {
        user_type_id: 1,
        image_url: null,
        last_name: null,
        first_name: 'Admin',
        id: t.first.admin.id,
        email: t.first.admin.email,
      },
    ]);
    const page = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles?limit=2&offset=2`,
      headers: bearer(token),
    });
    expect(
      page.json<{ roles: { role_name: string }[] }>().roles.map((role) => role.role_name),
    ).toEqual(['bot builder', 'viewer']);
  });

  it('answers a missing or unknown token with the seed 401', async () => {
    for (const headers of [
      {},
      bearer('pk_not-a-real-token-at-all-0000000000'),
      { authorization: 'Basic abc' },
    ]) {
      const response = await t.app.inject({ url: `/v1/accounts/${account}/user-roles`, headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(UNAUTHORIZED);
    }
  });

  it('invites a user whose link sets a password that signs in', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: {
        user: {
          email: 'John.Doe@Example.com',
          first_name: 'John',
          last_name: 'Doe',
          role_id: String(await roleId('agent')),
        },
        notify_user: 'true',
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ invitation_link: string; ok: boolean; status: string }>();
    expect(Object.keys(body).sort()).toEqual(['invitation_link', 'ok', 'status']);
    expect(body.ok).toBe(true);
    expect(body.status).toBe('invited');
    expect(body.invitation_link).toMatch(
      /^http:\/\/parley\.test\/create-your-account\?invitation_key=inv_[\w-]{43}$/,
    );
    const key = new URL(body.invitation_link).searchParams.get('invitation_key');

    const page = await t.app.inject({
      url: new URL(body.invitation_link).pathname + new URL(body.invitation_link).search,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/api/native/invitations/accept');

    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/native/invitations/accept',
      payload: { invitation_key: key, password: 'a long secret' },
    });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({
      email: 'john.doe@example.com',
      status: 'active',
      first_name: 'John',
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/native/invitations/accept',
      payload: { invitation_key: key, password: 'another secret' },
    });
    expect(again.statusCode).toBe(404);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/native/auth/login',
      payload: { email: 'john.doe@example.com', password: 'a long secret' },
    });
    expect(login.statusCode).toBe(200);
    const me = await t.app.inject({
      url: '/api/native/me',
      headers: bearer(login.json<{ access_token: string }>().access_token),
    });
    expect(me.json()).toMatchObject({
      account_id: account,
      kind: 'session',
      user: { email: 'john.doe@example.com' },
    });
  });

  it('rejects an invalid invitation with the seed 400 and an unknown role with 404', async () => {
    const invalid = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(token),
      payload: { user: { email: 'not-an-email', role_id: '262185' }, notify_user: 'true' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toEqual({
      error: 'BAD_REQUEST',
      code: 'BAD_REQUEST',
      ok: false,
      status: 400,
      message: [{ message: '"user.email" must be a valid email', path: ['user', 'email'] }],
    });

    const missing = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(token),
      payload: {},
    });
    expect(missing.json<{ message: unknown }>().message).toEqual([
      { message: '"user" is required', path: ['user'] },
    ]);

    const unknownRole = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(token),
      payload: { user: { email: 'jane@example.com', role_id: '262185' } },
    });
    expect(unknownRole.statusCode).toBe(404);
    expect(unknownRole.json()).toEqual({
      error: 'ROLE_NOT_FOUND',
      code: 'ROLE_NOT_FOUND',
      ok: false,
      status: 404,
      message: 'Role not found for this account.',
    });
  });
});
