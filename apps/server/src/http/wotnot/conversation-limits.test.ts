import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

const smsBody = {
  channel: 'SMS',
  from: '1-415-555-0101',
  to: { phone: '1-415-555-0124', name: 'John Doe', email: 'abc@acme.com' },
  message: { type: 'text', text: 'Hii' },
};

/** The seed's remaining error examples: blocked contacts, bot-held conversations, plan limits. */
describe.each(DIALECTS)('WotNot conversation refusals on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ admin } = await conversationFixture(t));
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
  const seedError = (code: string, message: string) => ({
    ok: false,
    error: code,
    code,
    message,
    status: 400,
  });
  const agentText = {
    message: { data: { body: 'Hi' }, type: 'text' },
    user: { by: 'agent_email@domain.com' },
  };

  it('refuses blocked contacts and bot-held conversations', async () => {
    const id = (await post('/v1/conversations', smsBody)).json<{ conversation: { id: string } }>()
      .conversation.id;
    const conversation = await t.runtime.services.conversations.get(t.first.account.id, id);
    await t.runtime.database.db
      .updateTable('conversations')
      .set({ assigned_to_bot: 1 })
      .where('id', '=', conversation.id)
      .execute();
    expect((await post(`/api/v1/conversation/${id}/messages`, agentText)).json()).toEqual(
      seedError(
        'CONVERSATION_ASSIGNED_TO_BOT',
        'Agent message cannot be sent on bot assigned conversation.',
      ),
    );
    await t.runtime.database.db
      .updateTable('conversations')
      .set({ assigned_to_bot: 0 })
      .where('id', '=', conversation.id)
      .execute();

    const block = await t.app.inject({
      method: 'POST',
      url: `/api/native/contacts/${conversation.contact_id}/block`,
      headers: admin,
    });
    expect(block.statusCode).toBe(200);
    const blocked = seedError(
      'CONTACT_IS_BLOCKED',
      'Conversation cannot be created for blocked contact.',
    );
    expect((await post(`/api/v1/conversation/${id}/messages`, agentText)).json()).toEqual(blocked);
    expect((await post('/v1/conversations', smsBody)).json()).toEqual(blocked);
  });

  it('applies plan limits with the seed codes: conversations per month and agent seats', async () => {
    const settings = await t.app.inject({
      method: 'PUT',
      url: '/api/native/account/settings',
      headers: admin,
      payload: { limits: { conversationsPerMonth: 1, agentSeats: 1 } },
    });
    expect(settings.json()).toMatchObject({ limits: { conversationsPerMonth: 1, agentSeats: 1 } });
    const first = await post('/v1/conversations', smsBody);
    expect(first.statusCode).toBe(200);
    const id = first.json<{ conversation: { id: string } }>().conversation.id;
    expect(
      (await post('/v1/conversations', { ...smsBody, to: { phone: '1-415-555-0125' } })).json(),
    ).toEqual(
      seedError(
        'CONVERSATION_NOT_CREATED',
        'Conversation is not created due to user limit validation',
      ),
    );

    // One seat: the admin (the oldest active person) has it; the agent does not.
    expect((await post(`/api/v1/conversation/${id}/messages`, agentText)).json()).toEqual(
      seedError('MESSAGE_NOT_SENT', 'Message is not sent due to user limit validation.'),
    );
    expect(
      (
        await post(`/api/v1/conversation/${id}/events`, {
          event: 'assignee',
          user: { by: t.first.admin.email, to: 'agent_email@domain.com' },
        })
      ).json(),
    ).toEqual(
      seedError('ASSIGNEE_NOT_CHANGED', 'Assignee is not changed due to user limit validationt.'),
    );
    expect(
      (
        await post(`/api/v1/conversation/${id}/events`, {
          event: 'status',
          status: 'CLOSE',
          user: { by: 'agent_email@domain.com' },
        })
      ).json(),
    ).toEqual(
      seedError(
        'CONVERSATION_NOT_CLOSED',
        'Conversation is not closed due to user limit validation.',
      ),
    );
    expect(
      (
        await post(`/api/v1/conversation/${id}/events`, {
          event: 'status',
          status: 'CLOSE',
          user: { by: t.first.admin.email },
        })
      ).json(),
    ).toEqual({ ok: true });
  });
});
