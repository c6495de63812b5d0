import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STACKS } from '../../testing/test-databases.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';

const UNAUTHORIZED = {
  ok: false,
  error: 'UNAUTHORIZED',
  code: 'UNAUTHORIZED',
  status: 401,
  message: 'Invalid token. Provide the valid account token.',
};

describe.each(STACKS)('WotNot users and roles on $name', (stack) => {
  let t: TestApp;
  let token: string;
  let account: number;

  beforeEach(async () => {
    t = await createTestApp(stack);
    token = t.first.accountToken;
    account = t.first.account.id;
  });
  afterEach(async () => {
    await t.close();
  });

  async function roleId(name: string): Promise<number> {
    const response = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles`,
      headers: bearer(token),
    });
    const body: { roles: { id: number; role_name: string }[] } = response.json();
    const role = body.roles.find((candidate) => candidate.role_name === name);
    if (role === undefined) throw new Error(`no role ${name}`);
    return role.id;
  }

  /** Invites, accepts the invitation, and returns a user token for the new user. */
  async function member(email: string, role: string): Promise<{ id: number; token: string }> {
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(token),
      payload: { user: { email, role_id: String(await roleId(role)) } },
    });
    const key = new URL(
      invite.json<{ invitation_link: string }>().invitation_link,
    ).searchParams.get('invitation_key');
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/native/invitations/accept',
      payload: { invitation_key: key, password: 'correct horse battery' },
    });
    expect(accepted.statusCode).toBe(200);
    const id = accepted.json<{ id: number }>().id;
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: bearer(token),
      payload: { kind: 'user', name: email, user_id: id },
    });
    expect(issued.statusCode).toBe(201);
    return { id, token: issued.json<{ token: string }>().token };
  }

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
    expect(body).toEqual({
      invitation_link: expect.stringMatching(
        /^http:\/\/parley\.test\/create-your-account\?invitation_key=inv_[\w-]{43}$/,
      ) as unknown,
      ok: true,
      status: 'invited',
    });
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

  it('updates a role and removes a user, with the seed errors', async () => {
    const agent = await member('agent@example.com', 'agent');
    const viewer = await roleId('viewer');
    const update = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: bearer(token),
      payload: { role_id: String(viewer) },
    });
    expect(update.statusCode).toBe(200);
    expect(update.json()).toEqual({ ok: true });
    const user = await t.app.inject({
      url: `/api/native/users/${agent.id}`,
      headers: bearer(token),
    });
    expect(user.json<{ role_id: number }>().role_id).toBe(viewer);

    const notNumber = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: bearer(token),
      payload: { role_id: 'abc' },
    });
    expect(notNumber.json()).toEqual({
      error: 'BAD_REQUEST',
      code: 'BAD_REQUEST',
      ok: false,
      status: 400,
      message: [{ message: '"role_id" must be a number', path: ['role_id'] }],
    });
    const noUser = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/999999`,
      headers: bearer(token),
      payload: { role_id: viewer },
    });
    expect(noUser.json()).toEqual({
      error: 'USER_NOT_FOUND',
      code: 'USER_NOT_FOUND',
      ok: false,
      status: 404,
      message: 'User not found in this account.',
    });
    const noRole = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: bearer(token),
      payload: { role_id: 999999 },
    });
    expect(noRole.json()).toMatchObject({ error: 'ROLE_NOT_FOUND', status: 404 });

    // WotNot clients send the JSON content type on a DELETE without a body.
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: { ...bearer(token), 'content-type': 'application/json' },
    });
    expect(remove.statusCode).toBe(200);
    expect(remove.json()).toEqual({ ok: true });
    const removedAgain = await t.app.inject({
      method: 'DELETE',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: bearer(token),
    });
    expect(removedAgain.statusCode).toBe(404);
    expect(removedAgain.json()).toMatchObject({ error: 'USER_NOT_FOUND' });
    // The removed user's token died with them.
    const stale = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles`,
      headers: bearer(agent.token),
    });
    expect(stale.statusCode).toBe(401);
  });

  it('enforces roles: an agent can read roles but cannot invite, change or remove', async () => {
    const agent = await member('agent@example.com', 'agent');
    const read = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles`,
      headers: bearer(agent.token),
    });
    expect(read.statusCode).toBe(200);
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(agent.token),
      payload: { user: { email: 'x@example.com', role_id: await roleId('admin') } },
    });
    expect(invite.statusCode).toBe(403);
    expect(invite.json()).toMatchObject({
      ok: false,
      error: 'PERMISSION_DENIED',
      code: 'PERMISSION_DENIED',
      status: 403,
    });
    const promote = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/${agent.id}`,
      headers: bearer(agent.token),
      payload: { role_id: await roleId('admin') },
    });
    expect(promote.statusCode).toBe(403);
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/accounts/${account}/users/${t.first.admin.id}`,
      headers: bearer(agent.token),
    });
    expect(remove.statusCode).toBe(403);
    const users = await t.app.inject({ url: '/api/native/users', headers: bearer(token) });
    expect(users.json<{ users: unknown[] }>().users).toHaveLength(2);
  });

  it("refuses a token on another account's path and reveals nothing of it", async () => {
    const other = await t.createAccount('Other Co');
    const otherAdmin = other.admin.id;
    const requests = [
      { method: 'GET' as const, url: `/v1/accounts/${other.account.id}/user-roles` },
      {
        method: 'POST' as const,
        url: `/v1/accounts/${other.account.id}/user`,
        payload: { user: { email: 'spy@example.com', role_id: 1 } },
      },
      {
        method: 'PUT' as const,
        url: `/v1/accounts/${other.account.id}/users/${otherAdmin}`,
        payload: { role_id: 1 },
      },
      { method: 'DELETE' as const, url: `/v1/accounts/${other.account.id}/users/${otherAdmin}` },
      { method: 'DELETE' as const, url: `/v1/accounts/999999/users/${otherAdmin}` },
    ];
    for (const request of requests) {
      const response = await t.app.inject({ ...request, headers: bearer(token) });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(UNAUTHORIZED);
    }
    // Our own path with the other account's user id: that user is simply not ours.
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/v1/accounts/${account}/users/${otherAdmin}`,
      headers: bearer(token),
    });
    expect(foreign.json()).toMatchObject({ error: 'USER_NOT_FOUND' });
    const stillThere = await t.app.inject({
      url: `/v1/accounts/${other.account.id}/user-roles`,
      headers: bearer(other.accountToken),
    });
    expect(JSON.stringify(stillThere.json())).toContain(other.admin.email);
  });

  it('keeps the last admin: removing or demoting them is refused and changes nothing', async () => {
    const admin = t.first.admin.id;
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/accounts/${account}/users/${admin}`,
      headers: bearer(token),
    });
    expect(remove.statusCode).toBe(409);
    expect(remove.json()).toMatchObject({ error: 'LAST_ADMIN' });
    const demote = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${account}/users/${admin}`,
      headers: bearer(token),
      payload: { role_id: await roleId('agent') },
    });
    expect(demote.statusCode).toBe(409);
    const user = await t.app.inject({ url: `/api/native/users/${admin}`, headers: bearer(token) });
    expect(user.json<{ role_id: number }>().role_id).toBe(await roleId('admin'));
  });
});
