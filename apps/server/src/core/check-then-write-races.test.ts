import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { readAccountSettings, writeAccountSettings } from './accounts/account-settings.js';
import { BotsService } from './bots/bots-service.js';
import { isDomainError } from './errors/domain-error.js';
import { uniformConfiguration } from './roles/role-configuration.js';

describe.each(DIALECTS)('check-then-write races on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });
  const codesOf = (results: PromiseSettledResult<unknown>[]) =>
    results.map((result) =>
      result.status === 'fulfilled'
        ? 'done'
        : isDomainError(result.reason)
          ? result.reason.code
          : String(result.reason),
    );

  it('invites one new e-mail sent several times at once as one user, each call answered', async () => {
    const { users } = t.runtime.services;
    const accountId = t.first.account.id;
    const invitation = { email: 'ada@example.com', roleId: t.first.admin.role_id, notify: false };
    // Opens the pool's connections first, so that the calls below run side by side.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        users.invite(accountId, { ...invitation, email: `warm${String(i)}@example.com` }),
      ),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => users.invite(accountId, invitation)),
    );
    expect(codesOf(results)).toEqual(results.map(() => 'done'));
    const rows = await t.runtime.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'ada@example.com')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('creates a team or a role once when the same name comes several times at once', async () => {
    const { teams, customRoles } = t.runtime.services;
    const accountId = t.first.account.id;
    const team = await Promise.allSettled(
      Array.from({ length: 4 }, () => teams.create(accountId, { name: 'Sales' })),
    );
    expect(codesOf(team).sort()).toEqual([
      'TEAM_ALREADY_EXISTS',
      'TEAM_ALREADY_EXISTS',
      'TEAM_ALREADY_EXISTS',
      'done',
    ]);
    const configuration = uniformConfiguration(true);
    const role = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        customRoles.create(accountId, { name: 'Helper', configuration }),
      ),
    );
    expect(codesOf(role).sort()).toEqual([
      'ROLE_ALREADY_EXISTS',
      'ROLE_ALREADY_EXISTS',
      'ROLE_ALREADY_EXISTS',
      'done',
    ]);
  });

  it('creates no bot past the plan limit when several come at once', async () => {
    const accountId = t.first.account.id;
    const db = t.runtime.database.db;
    const settings = await readAccountSettings(db, accountId);
    await writeAccountSettings(db, accountId, {
      ...settings,
      limits: { ...settings.limits, bots: 2 },
    });
    t.runtime.context.caches.changed(accountId, 'account_settings');
    const bots = new BotsService(t.runtime.context);
    const ownerUserId = t.first.admin.id;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        bots.create(accountId, { title: `Bot ${String(i)}`, channelTypes: ['WEB'], ownerUserId }),
      ),
    );
    expect(codesOf(results).filter((code) => code === 'done')).toHaveLength(2);
    const rows = await db
      .selectFrom('bots')
      .select('id')
      .where('account_id', '=', accountId)
      .execute();
    expect(rows).toHaveLength(2);
  });

  it('keeps an admin when the last two are demoted at once', async () => {
    const { users, roles } = t.runtime.services;
    const accountId = t.first.account.id;
    const listed = await roles.list(accountId, { limit: 10, offset: 0 });
    const agentRole = listed.roles.find((entry) => entry.role.name === 'agent')?.role.id ?? 0;
    const invited = await users.invite(accountId, {
      email: 'second-admin@example.com',
      roleId: t.first.admin.role_id,
      notify: false,
    });
    const key = new URL(invited.invitationLink).searchParams.get('invitation_key') ?? '';
    const second = await users.acceptInvitation(key, 'second admin password');
    const results = await Promise.allSettled(
      [t.first.admin.id, second.id].map((userId) => users.updateRole(accountId, userId, agentRole)),
    );
    expect(codesOf(results).sort()).toEqual(['LAST_ADMIN', 'done']);
  });
});
