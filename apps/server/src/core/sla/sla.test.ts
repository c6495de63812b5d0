import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { dueAt, isBreached } from './sla-clocks.js';

describe.each(DIALECTS)('SLA policies on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  let sms: number;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ admin, sms } = await conversationFixture(t));
  });
  afterEach(async () => {
    await t.close();
  });

  const inbound = (text: string, from = '+14155550123') =>
    t.app.inject({
      method: 'POST',
      url: `/api/native/channels/${sms}/sandbox/inbound`,
      headers: admin,
      payload: { from, content: { type: 'text', text } },
    });
  const breaches = () =>
    t.runtime.database.db
      .selectFrom('sla_breaches')
      .select(['kind', 'due_at'])
      .orderBy('id')
      .execute();

  it('applies a default policy from the next new conversation, and stops when it is deleted', async () => {
    const policyOf = async (phone: string) => {
      const { conversation_id } = (await inbound('Hi', phone)).json<{ conversation_id: string }>();
      const { db } = t.runtime.database;
      const row = await db
        .selectFrom('conversations')
        .select(['id', 'sla_policy_id'])
        .where('public_id', '=', conversation_id)
        .executeTakeFirstOrThrow();
      // The first message's event already shows the conversation under its policy.
      const event = await db
        .selectFrom('account_events')
        .select('payload')
        .where('conversation_id', '=', row.id)
        .where('type', '=', 'message.created')
        .executeTakeFirstOrThrow();
      const snapshot = z
        .object({ conversation: z.object({ slaPolicyId: z.number().nullable() }) })
        .parse(JSON.parse(event.payload));
      expect(snapshot.conversation.slaPolicyId).toBe(row.sla_policy_id);
      return row.sla_policy_id;
    };
    // The account's answer "no default policy" is kept in memory by now…
    expect(await policyOf('+14155550101')).toBeNull();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/sla-policies',
      headers: admin,
      payload: { name: 'Default', first_response_seconds: 3_600, is_default: true },
    });
    const { id } = created.json<{ id: number }>();
    // …and forgotten when the policy is saved, or deleted.
    expect(await policyOf('+14155550102')).toBe(id);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/native/sla-policies/${id}`,
      headers: admin,
    });
    expect(removed.statusCode).toBe(204);
    expect(await policyOf('+14155550103')).toBeNull();
  });

  it('fires first response, next response and resolution breaches once each, from durable timers', async () => {
    const policy = await t.app.inject({
      method: 'POST',
      url: '/api/native/sla-policies',
      headers: admin,
      payload: {
        name: 'Fast',
        first_response_seconds: 1,
        next_response_seconds: 1,
        resolution_seconds: 2,
        is_default: true,
      },
    });
    expect(policy.statusCode).toBe(201);
    await t.runtime.startWorkers();
    const conversationId = (await inbound('Hello?')).json<{ conversation_id: string }>()
      .conversation_id;
    await waitFor(
      async () => (await breaches()).some((breach) => breach.kind === 'first_response'),
      5_000,
      'the first response breach',
    );

    // An agent answers (late), the contact writes again and waits: the next-response clock runs.
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversation/${conversationId}/messages`,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({
        message: { type: 'text', data: { body: 'Sorry!' } },
        user: { by: 'agent_email@domain.com' },
      }),
    });
    expect(reply.statusCode).toBe(200);
    await inbound('Still there?');
    await waitFor(
      async () => (await breaches()).length >= 3,
      6_000,
      'the next response and resolution breaches',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await breaches()).map((breach) => breach.kind).sort()).toEqual([
      'first_response',
      'next_response',
      'resolution',
    ]);
    const events = await t.runtime.database.db
      .selectFrom('account_events')
      .select('payload')
      .where('type', '=', 'sla.breached')
      .execute();
    expect(events).toHaveLength(3);

    // A timer that fires again (a retry, a second process) changes nothing.
    const [first] = await breaches();
    const conversation = await t.runtime.services.conversations.get(
      t.first.account.id,
      conversationId,
    );
    await t.runtime.queue.enqueue('sla.check', {
      accountId: t.first.account.id,
      conversationId: conversation.id,
      kind: 'first_response',
      dueAt: first?.due_at ?? 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await breaches()).toHaveLength(3);
  });

  it('does not breach a clock that stopped in time', () => {
    const policy = {
      id: 1,
      account_id: 1,
      name: 'p',
      first_response_seconds: 60,
      next_response_seconds: 60,
      resolution_seconds: 600,
      is_default: 1,
      created_at: 0,
      updated_at: 0,
    };
    const open = {
      id: 1,
      account_id: 1,
      public_id: 'x',
      contact_id: 1,
      channel_id: 1,
      status: 'open' as const,
      assignee_user_id: null,
      assignee_team_id: null,
      assigned_to_bot: 0,
      bot_id: null,
      title: null,
      variables: '{}',
      label_names: '[]',
      unread_count: 0,
      sla_policy_id: 1,
      first_response_at: null,
      waiting_since: 1_000,
      last_message_at: 1_000,
      last_inbound_at: 1_000,
      closed_at: null,
      created_at: 0,
      updated_at: 0,
    };
    const due = dueAt('first_response', open, policy) ?? 0;
    expect(due).toBe(60_000);
    expect(isBreached('first_response', open, policy, due, 60_000)).toBe(true);
    expect(
      isBreached('first_response', { ...open, first_response_at: 30_000 }, policy, due, 60_000),
    ).toBe(false);
    expect(isBreached('resolution', { ...open, status: 'closed' }, policy, 600_000, 700_000)).toBe(
      false,
    );
    // The contact wrote again after an answer: the old next-response timer is stale.
    const answered = { ...open, first_response_at: 2_000, waiting_since: 5_000 };
    expect(isBreached('next_response', answered, policy, 61_000, 70_000)).toBe(false);
    expect(isBreached('next_response', answered, policy, 65_000, 70_000)).toBe(true);
  });
});
