import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniformConfiguration } from '../../core/roles/role-configuration.js';
import { accountFixture } from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

describe.each(DIALECTS)('custom roles and app users on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  let fixture: ReturnType<typeof accountFixture>;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    admin = bearer(t.first.accountToken);
    fixture = accountFixture(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('enforces a custom role exactly as its configuration says', async () => {
    const configuration = uniformConfiguration(false);
    configuration.account_settings.teammates = true;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/roles',
      headers: admin,
      payload: { name: 'team lead', description: 'Hires', role_configuration: configuration },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'team lead',
      built_in: false,
      master_role_id: null,
    });

    const lead = await fixture.member('lead@example.com', 'team lead');
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${fixture.account}/user`,
      headers: bearer(lead.token),
      payload: { user: { email: 'new@example.com', role_id: await fixture.roleId('agent') } },
    });
    expect(invite.statusCode).toBe(200);
    const teams = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: bearer(lead.token),
      payload: { name: 'Nope' },
    });
    expect(teams.statusCode).toBe(403);

    const roles = await t.app.inject({
      url: `/v1/accounts/${fixture.account}/user-roles`,
      headers: admin,
    });
    const listed = roles.json<{
      roles: {
        role_name: string;
        master_role_id: number | null;
        users_in_role: { email: string }[];
      }[];
    }>();
    expect(listed.roles.find((role) => role.role_name === 'team lead')).toMatchObject({
      master_role_id: null,
      users_in_role: [{ email: 'lead@example.com' }],
    });
  });

  it('keeps built-in roles fixed and roles in use', async () => {
    const adminRole = await fixture.roleId('admin');
    const builtIn = await t.app.inject({
      method: 'PATCH',
      url: `/api/native/roles/${adminRole}`,
      headers: admin,
      payload: { name: 'boss' },
    });
    expect(builtIn.statusCode).toBe(400);
    expect(builtIn.json()).toMatchObject({ error: { code: 'ROLE_IS_BUILT_IN' } });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/roles',
      headers: admin,
      payload: { name: 'temp', role_configuration: uniformConfiguration(false) },
    });
    const temp = created.json<{ id: number }>().id;
    await fixture.member('temp@example.com', 'temp');
    const inUse = await t.app.inject({
      method: 'DELETE',
      url: `/api/native/roles/${temp}`,
      headers: admin,
    });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toMatchObject({ error: { code: 'ROLE_IN_USE' } });
    const unused = await t.app.inject({
      method: 'POST',
      url: '/api/native/roles',
      headers: admin,
      payload: { name: 'unused', role_configuration: uniformConfiguration(false) },
    });
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/native/roles/${unused.json<{ id: number }>().id}`,
          headers: admin,
        })
      ).statusCode,
    ).toBe(204);
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/native/roles',
      headers: admin,
      payload: { name: 'half', role_configuration: { live_chat: {} } },
    });
    expect(invalid.statusCode).toBe(400);
  });

  it('gives an integration an app user whose app token carries its role', async () => {
    const app = await t.app.inject({
      method: 'POST',
      url: '/api/native/users/apps',
      headers: admin,
      payload: { name: 'CRM sync', role_id: await fixture.roleId('viewer') },
    });
    expect(app.statusCode).toBe(201);
    const appUser = app.json<{ id: number; kind: string; status: string }>();
    expect(appUser).toMatchObject({ kind: 'app', status: 'active' });
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'app', name: 'crm', user_id: appUser.id },
    });
    expect(issued.statusCode).toBe(201);
    const appToken = bearer(issued.json<{ token: string }>().token);
    expect((await t.app.inject({ url: '/api/native/me', headers: appToken })).json()).toMatchObject(
      { kind: 'app_token', user: { id: appUser.id, kind: 'app' } },
    );
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${fixture.account}/user`,
      headers: appToken,
      payload: { user: { email: 'x@example.com', role_id: 1 } },
    });
    expect(invite.statusCode).toBe(403);
    const wrongKind = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'app', name: 'x', user_id: t.first.admin.id },
    });
    expect(wrongKind.statusCode).toBe(400);
  });
});
