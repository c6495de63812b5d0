import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';

/**
 * Seed 001's "Creating a conversation", "Send agent response", "Closing a conversation",
 * "Changing assignee" and "Update variable" examples. The seed's phone numbers are not
 * valid numbers (`1123123123`, area code 123), so the same bodies use real-format ones.
 */
const whatsappBody = {
  channel: 'WHATSAPP',
  from: '14155550100',
  to: { phone: '14155550123', name: 'John Doe', email: 'example@domain.com' },
  message: {
    type: 'template',
    data: {
      template: 'test_template',
      parameters: {
        header: ['John'],
        body: ['Doe', 'Doe2'],
        buttons: { copy_code: '123456', otp: '123456', url: 'any' },
      },
      variables: { name: 'John Doe' },
    },
  },
  assignee: 'agent_email@domain.com',
};

const smsBody = {
  channel: 'SMS',
  from: '1-415-555-0101',
  to: { phone: '1-415-555-0124', name: 'John Doe', email: 'abc@acme.com' },
  message: { type: 'text', text: 'Hii' },
  assignee: 'agent_email@domain.com',
};

describe.each(STACKS)('WotNot conversations on $name', (stack) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(stack);
    ({ admin } = await conversationFixture(t));
  });
  afterEach(async () => {
    await t.close();
  });

  const postJson = (url: string, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('creates a WhatsApp conversation with a template and answers in the seed shape', async () => {
    const response = await postJson('/v1/conversations', whatsappBody);
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      ok: boolean;
      conversation: { id: string; message_id: string; created_at: string; assignee: unknown };
      contact: unknown;
    }>();
    expect(body.ok).toBe(true);
    expect(body.conversation.id).toMatch(/^[a-z0-9]{11}$/);
    expect(body.conversation.message_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(body.conversation.assignee).toMatchObject({ to: 'agent_email@domain.com' });
    expect(body.contact).toMatchObject({
      name: 'John Doe',
      phone: '+14155550123',
      email: 'example@domain.com',
    });
    const conversation = await t.runtime.services.conversations.get(
      t.first.account.id,
      body.conversation.id,
    );
    expect(JSON.parse(conversation.variables)).toEqual({ name: 'John Doe' });
  });

  it('sends the first message through the channel: queued → sent → delivered', async () => {
    await t.runtime.startWorkers();
    const response = await postJson('/v1/conversations', smsBody);
    const messageId = response.json<{ conversation: { message_id: string } }>().conversation
      .message_id;
    const status = async () =>
      await t.runtime.database.db
        .selectFrom('messages')
        .select(['status', 'status_history'])
        .where('public_id', '=', messageId)
        .executeTakeFirstOrThrow();
    await waitFor(async () => (await status()).status === 'delivered', 10_000, 'delivery');
    const history = JSON.parse((await status()).status_history) as { status: string }[];
    expect(history.map((entry) => entry.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('answers the seed errors of conversation creation', async () => {
    const expectError = async (payload: unknown, status: number, code: string, message: string) => {
      const response = await postJson('/v1/conversations', payload);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ ok: false, error: code, code, message, status });
    };
    await expectError(
      { ...smsBody, from: '14155550199' },
      404,
      'PHONE_NUMBER_IS_NOT_CONFIGURED',
      '’From’ phone number is not configured in the account.',
    );
    await expectError(
      { ...whatsappBody, message: { type: 'template', data: { template: 'nope' } } },
      404,
      'WHATSAPP_TEMPLATE_NOT_FOUND',
      'WhatsApp template is not available in the account.',
    );
    await expectError(
      { ...whatsappBody, message: { type: 'template', data: { template: 'pending_template' } } },
      404,
      'TEMPLATE_NOT_APPROVED',
      'Oops, template is not approved',
    );
    const channels = await t.runtime.services.channels.list(t.first.account.id);
    const sms = channels.find((channel) => channel.type === 'sms');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/native/channels/${sms?.id ?? 0}`,
      headers: admin,
      payload: { enabled: false },
    });
    await expectError(
      smsBody,
      400,
      'CHANNEL_NOT_ENABLED',
      'This channel is not enabled in the account.',
    );
  });

  it('relays agent messages, closes, reassigns and updates variables with the seed errors', async () => {
    const created = await postJson('/v1/conversations', smsBody);
    const id = created.json<{ conversation: { id: string } }>().conversation.id;
    const text = await postJson(`/api/v1/conversation/${id}/messages`, {
      message: { data: { body: 'Hi' }, type: 'text' },
      user: { by: 'agent_email@domain.com' },
    });
    expect(text.statusCode).toBe(200);
    expect(text.json<{ ok: boolean; message_id: string }>().message_id).toMatch(
      /^[A-Za-z0-9]{32}$/,
    );
    const file = await postJson(`/api/v1/conversation/${id}/messages`, {
      message: {
        file: { path: 'https://example.com/a.png', size: 1, type: 'image/png', name: 'a.png' },
        type: 'file',
      },
      user: { by: 'agent_email@domain.com' },
    });
    expect(file.statusCode).toBe(200);
    const invalid = await postJson(`/api/v1/conversation/${id}/messages`, {
      message: { type: 'text' },
      user: { by: 'agent_email@domain.com' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      ok: false,
      error: 'INVALID_DATA',
      code: 'INVALID_DATA',
      status: 400,
    });

    const same = await postJson(`/api/v1/conversation/${id}/events`, {
      event: 'assignee',
      user: { by: 'agent_email@domain.com', to: 'agent_email@domain.com' },
    });
    expect(same.json()).toEqual({
      ok: false,
      error: 'ASSIGNEE_CHANGE_EXCEPTION',
      code: 'ASSIGNEE_CHANGE_EXCEPTION',
      message: 'By and To user are same. Can not assign conversation to same user.',
      status: 400,
    });
    const noTeam = await postJson(`/api/v1/conversation/${id}/events`, {
      event: 'assignee',
      team: { by: 'agent_email@domain.com', to: 'Sales' },
    });
    expect(noTeam.json()).toEqual({
      ok: false,
      error: 'TEAM_NOT_FOUND',
      code: 'TEAM_NOT_FOUND',
      message: 'Team does not exist.',
      status: 400,
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/native/teams',
      headers: admin,
      payload: { name: 'Sales' },
    });
    const toTeam = await postJson(`/api/v1/conversation/${id}/events`, {
      event: 'assignee',
      team: { by: 'agent_email@domain.com', to: 'Sales' },
    });
    expect(toTeam.json()).toEqual({ ok: true });

    const variables = await postJson(
      `/v1/accounts/${t.first.account.id}/conversations/${id}/variables`,
      {
        variables: [
          { name: 'name', type: 'conversation', value: 'John Doe' },
          { name: 'phone', type: 'contact', value: '+14155550124' },
          { name: 'company', type: 'conversation', value: 'Example' },
          { name: 'email', type: 'contact', value: 'john.doe@gmail.com' },
        ],
      },
    );
    expect(variables.json()).toEqual({ ok: true });
    const empty = await postJson(
      `/v1/accounts/${t.first.account.id}/conversations/${id}/variables`,
      {
        variables: [],
      },
    );
    expect(empty.json()).toEqual({
      ok: false,
      message: { variables: ['Shorter than minimum length 1.'] },
      status: 400,
      error: 'BAD_REQUEST',
    });
    const missing = await postJson(
      `/v1/accounts/${t.first.account.id}/conversations/nope/variables`,
      {
        variables: [{ name: 'a', type: 'conversation', value: 1 }],
      },
    );
    expect(missing.json()).toEqual({
      message: 'Conversation is not found',
      ok: false,
      error: 'CONVERSATION_NOT_FOUND',
      code: 'CONVERSATION_NOT_FOUND',
      status: 404,
    });

    const close = await postJson(`/api/v1/conversation/${id}/events`, {
      event: 'status',
      status: 'CLOSE',
      user: { by: 'agent_email@domain.com' },
    });
    expect(close.json()).toEqual({ ok: true });
    const afterClose = await postJson(`/api/v1/conversation/${id}/messages`, {
      message: { data: { body: 'Hi' }, type: 'text' },
      user: { by: 'agent_email@domain.com' },
    });
    expect(afterClose.json()).toEqual({
      ok: false,
      error: 'CONVERSATION_CLOSED',
      code: 'CONVERSATION_CLOSED',
      message: 'Assignee cannot be changed on closed conversation.',
      status: 400,
    });
    const unknown = await postJson('/api/v1/conversation/nope/events', {
      event: 'status',
      status: 'CLOSE',
      user: { by: 'agent_email@domain.com' },
    });
    expect(unknown.json()).toEqual({
      ok: false,
      error: 'CONVERSATION_NOT_FOUND',
      code: 'CONVERSATION_NOT_FOUND',
      message: 'Conversation is not available.',
      status: 404,
    });
    const badToken = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversation/${id}/events`,
      headers: { authorization: 'Bearer nope' },
      payload: { event: 'status', status: 'CLOSE' },
    });
    expect(badToken.json()).toEqual({
      ok: false,
      error: 'JWT_SIGNATURE_EXCEPTION',
      code: 'JWT_SIGNATURE_EXCEPTION',
      message: 'Invalid JWT token',
      status: 401,
    });
  });
});
