import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountFixture,
  WOTNOT_UNAUTHORIZED as UNAUTHORIZED,
} from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';

describe.each(STACKS)('WotNot user changes, permissions and isolation on $name', (stack) => {
  let t: TestApp;
  let token: string;
  let account: number;
  let roleId: (name: string) => Promise<number>;
  let member: (email: string, role: string) => Promise<{ id: number; token: string }>;

  beforeEach(async () => {
    t = await createTestApp(stack);
    ({ token, account, roleId, member } = accountFixture(t));
  });
  afterEach(async () => {
    await t.close();
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
