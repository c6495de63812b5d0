import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

describe.each(DIALECTS)('round robin assignment on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(dialect);
    admin = bearer(t.first.accountToken);
  });
  afterEach(async () => {
    await t.close();
  });

  async function agent(
    name: string,
    availability: 'online' | 'offline',
    capacity: number,
  ): Promise<number> {
    const { services } = t.runtime;
    const roles = await services.roles.list(t.first.account.id, { limit: 10, offset: 0 });
    const roleId = roles.roles.find((entry) => entry.role.name === 'agent')?.role.id ?? 0;
    const invited = await services.users.invite(t.first.account.id, {
      email: `${name}@example.com`,
      roleId,
      notify: false,
    });
    const user = await services.users.acceptInvitation(
      new URL(invited.invitationLink).searchParams.get('invitation_key') ?? '',
      'password 123',
    );
    const set = await t.app.inject({
      method: 'PATCH',
      url: `/api/native/users/${user.id}/availability`,
      headers: admin,
      payload: { availability, max_open_conversations: capacity },
    });
    expect(set.statusCode).toBe(200);
    return user.id;
  }

  async function inbound(channelId: number, from: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/native/channels/${channelId}/sandbox/inbound`,
      headers: admin,
      payload: { from, name: from, content: { type: 'text', text: 'Hello' } },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ conversation_id: string }>().conversation_id;
  }

  it('shares 30 conversations 10/10/10 among the online agents, skipping the offline and the full', async () => {
    const [a, b, c, offline, full] = [
      await agent('a', 'online', 0),
      await agent('b', 'online', 0),
      await agent('c', 'online', 20),
      await agent('d', 'offline', 0),
      await agent('e', 'online', 1),
    ];
    const team = await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: admin,
      payload: {
        name: 'Support',
        assignment_mode: 'round_robin',
        member_ids: [a, b, c, offline, full],
      },
    });
    expect(team.json()).toMatchObject({ assignment_mode: 'round_robin' });
    const teamId = team.json<{ id: number }>().id;
    const channel = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: admin,
      payload: { type: 'sms', provider: 'sandbox', name: 'SMS', phone_number: '+14155550100' },
    });
    const channelId = channel.json<{ id: number }>().id;
    const { conversations } = t.runtime.services;
    const account = t.first.account.id;

    // E already holds one open conversation: at capacity 1, round robin must skip E.
    const held = await inbound(channelId, '+14155550999');
    await conversations.assign(account, held, { userId: full }, null);

    const counts = new Map<number | null, number>();
    for (let i = 0; i < 30; i += 1) {
      const id = await inbound(channelId, `+1415555${String(1000 + i)}`);
      const assigned = await conversations.assign(account, id, { teamId }, null);
      expect(assigned.assignee_team_id).toBe(teamId);
      counts.set(assigned.assignee_user_id, (counts.get(assigned.assignee_user_id) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ [a]: 10, [b]: 10, [c]: 10 });

    // Nobody available: the conversation waits with the team.
    for (const user of [a, b, c]) {
      await t.app.inject({
        method: 'PATCH',
        url: `/api/native/users/${user}/availability`,
        headers: admin,
        payload: { availability: 'offline' },
      });
    }
    const waiting = await conversations.assign(
      account,
      await inbound(channelId, '+14155552000'),
      { teamId },
      null,
    );
    expect(waiting).toMatchObject({ assignee_team_id: teamId, assignee_user_id: null });
  });

  it('lets an agent set only their own availability', async () => {
    const me = await agent('me', 'offline', 0);
    const other = await agent('other', 'offline', 0);
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: admin,
      payload: { kind: 'user', name: 'me', user_id: me },
    });
    const mine = bearer(token.json<{ token: string }>().token);
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/native/users/${me}/availability`,
          headers: mine,
          payload: { availability: 'online' },
        })
      ).json(),
    ).toMatchObject({ availability: 'online' });
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/native/users/${other}/availability`,
          headers: mine,
          payload: { availability: 'online' },
        })
      ).statusCode,
    ).toBe(403);
  });
});
