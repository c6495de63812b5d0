import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountFixture } from '../../testing/account-fixture.js';
import { bearer, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { createTestApp } from '../../testing/test-app.js';
import { inboxFixture, type Headers } from './inbox-test-fixture.js';

interface Detail {
  id: string;
  status: string;
  unread_count: number;
  assignee: { user: { id: number; email: string } | null; team: unknown };
  labels: string[];
  last_message: { text: string } | null;
  closed_at: string | null;
  variables: Record<string, unknown>;
}
interface MessagePage {
  messages: { id: string; text: string; sender_type: string; sender_user_id: number | null }[];
  next_before: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(STACKS)('inbox conversation API on $name', (stack) => {
  let t: TestApp;
  let fx: ReturnType<typeof inboxFixture>;
  let channel: number;
  let conversation: string;
  let agent: { id: number; headers: Headers };
  beforeEach(async () => {
    t = await createTestApp(stack);
    fx = inboxFixture(t);
    channel = await fx.channel('WhatsApp');
    conversation = await fx.inbound(channel, '+14155550123', 'message 1');
    const member = await accountFixture(t).member('agent@acme.test', 'agent');
    agent = { id: member.id, headers: bearer(member.token) };
  });
  afterEach(async () => {
    await t.close();
  });

  const url = (path = '') => `/conversations/${conversation}${path}`;

  it('shows a conversation and pages its messages back in time', async () => {
    for (let i = 2; i <= 12; i += 1) await fx.inbound(channel, '+14155550123', `message ${i}`);
    const detail = await fx.call<Detail>('GET', url());
    expect(detail).toMatchObject({
      id: conversation,
      status: 'open',
      unread_count: 12,
      last_message: { text: 'message 12' },
      closed_at: null,
      variables: {},
    });

    const texts: string[][] = [];
    let before: string | null = null;
    do {
      const page: MessagePage = await fx.call<MessagePage>(
        'GET',
        url(`/messages?limit=5${before === null ? '' : `&before=${before}`}`),
      );
      texts.push(page.messages.map((message) => message.text));
      before = page.next_before;
    } while (before !== null);
    const numbers = (from: number, to: number) =>
      Array.from({ length: from - to + 1 }, (_, index) => `message ${from - index}`);
    expect(texts).toEqual([numbers(12, 8), numbers(7, 3), numbers(2, 1)]);

    const missing = await fx.call<ErrorBody>('GET', url('/messages?before=nope'), { status: 404 });
    expect(missing.error.code).toBe('RESOURCE_NOT_FOUND');
    await fx.request('POST', url('/read'), { status: 204 });
    expect((await fx.call<Detail>('GET', url())).unread_count).toBe(0);
  });

  it('replies as the calling agent and refuses an account token, which has no person', async () => {
    const sent = await fx.call<MessagePage['messages'][number]>('POST', url('/messages'), {
      headers: agent.headers,
      payload: { content: { type: 'text', text: 'How can I help?' } },
    });
    expect(sent).toMatchObject({
      text: 'How can I help?',
      sender_type: 'user',
      sender_user_id: agent.id,
    });
    const newest = await fx.call<MessagePage>('GET', url('/messages?limit=1'));
    expect(newest.messages.map((message) => message.id)).toEqual([sent.id]);
    expect((await fx.call<Detail>('GET', url())).unread_count).toBe(0);

    const refused = await fx.call<ErrorBody>('POST', url('/messages'), {
      payload: { content: { type: 'text', text: 'hi' } },
      status: 400,
    });
    expect(refused.error.message).toMatch(/user token or a web-app session/);
  });

  it('assigns, closes and reopens through the conversations service, with its events', async () => {
    const assigned = await fx.call<Detail>('POST', url('/assign'), {
      headers: agent.headers,
      payload: { user_id: agent.id },
      status: 200,
    });
    expect(assigned.assignee.user).toMatchObject({ id: agent.id, email: 'agent@acme.test' });
    expect(await fx.events('conversation.assignee_changed')).toMatchObject([
      { by: 'agent@acme.test' },
    ]);

    const other = await t.createAccount('Other');
    for (const payload of [{ user_id: other.admin.id }, { user_id: 999_999 }]) {
      const refused = await fx.call<ErrorBody>('POST', url('/assign'), { payload, status: 404 });
      expect(refused.error.code).toBe('USER_NOT_FOUND');
    }
    await fx.call('POST', url('/assign'), { payload: { user_id: 1, team_id: 1 }, status: 400 });
    await fx.call('POST', url('/assign'), { payload: {}, status: 400 });

    const closed = await fx.call<Detail>('POST', url('/status'), {
      payload: { status: 'closed' },
      status: 200,
    });
    expect(closed.status).toBe('closed');
    expect(closed.closed_at).not.toBeNull();
    const onClosed = await fx.call<ErrorBody>('POST', url('/messages'), {
      headers: agent.headers,
      payload: { content: { type: 'text', text: 'late' } },
      status: 400,
    });
    expect(onClosed.error.code).toBe('CONVERSATION_CLOSED');
    const reopened = await fx.call<Detail>('POST', url('/status'), {
      payload: { status: 'open' },
      status: 200,
    });
    expect(reopened).toMatchObject({ status: 'open', closed_at: null });
    expect(await fx.events('conversation.status_changed')).toMatchObject([
      { previousStatus: 'open', by: null, conversation: { status: 'closed' } },
      { previousStatus: 'closed', conversation: { status: 'open' } },
    ]);
  });

  it('keeps private notes, newest first, each recorded as note.created', async () => {
    const first = await fx.call<{ id: number; body: string; user_id: number | null }>(
      'POST',
      url('/notes'),
      { headers: agent.headers, payload: { body: '  Called them back.  ' } },
    );
    expect(first).toMatchObject({ body: 'Called them back.', user_id: agent.id });
    const second = await fx.call<{ id: number }>('POST', url('/notes'), {
      payload: { body: 'Refund approved' },
    });
    await fx.call('POST', url('/notes'), { payload: { body: '   ' }, status: 400 });

    const page = await fx.call<{ notes: { id: number }[]; next_before: number | null }>(
      'GET',
      url('/notes?limit=1'),
    );
    expect(page).toEqual({
      notes: [expect.objectContaining({ id: second.id })],
      next_before: second.id,
    });
    const rest = await fx.call<{ notes: { id: number }[]; next_before: number | null }>(
      'GET',
      url(`/notes?limit=1&before=${second.id}`),
    );
    expect(rest).toEqual({ notes: [expect.objectContaining({ id: first.id })], next_before: null });

    expect(await fx.events('note.created')).toMatchObject([
      {
        conversation: { id: conversation, status: 'open' },
        note: { id: first.id, body: 'Called them back.', userId: agent.id },
      },
      { note: { id: second.id, body: 'Refund approved', userId: null } },
    ]);
  });

  it('lets any member read but only live_chat.full_access change a conversation', async () => {
    const viewer = bearer((await accountFixture(t).member('viewer@acme.test', 'viewer')).token);
    expect((await fx.call<Detail>('GET', url(), { headers: viewer })).id).toBe(conversation);
    await fx.call('GET', '/conversations', { headers: viewer });
    await fx.call('GET', url('/messages'), { headers: viewer });
    await fx.call('GET', url('/notes'), { headers: viewer });
    for (const [path, payload] of [
      ['/read', {}],
      ['/notes', { body: 'x' }],
      ['/status', { status: 'closed' }],
      ['/assign', { user_id: agent.id }],
      ['/messages', { content: { type: 'text', text: 'x' } }],
    ] as const) {
      const denied = await fx.call<ErrorBody>('POST', url(path), {
        headers: viewer,
        payload,
        status: 403,
      });
      expect(denied.error.code).toBe('PERMISSION_DENIED');
    }
    await fx.call('PUT', url('/labels'), { headers: viewer, payload: { labels: [] }, status: 403 });
  });

  it("answers CONVERSATION_NOT_FOUND for another account's conversation", async () => {
    const other = bearer((await t.createAccount('Other')).accountToken);
    expect(
      (await fx.call<{ conversations: unknown[] }>('GET', '/conversations', { headers: other }))
        .conversations,
    ).toEqual([]);
    const attempts: ['GET' | 'POST' | 'PUT', string, object?][] = [
      ['GET', url()],
      ['GET', url('/messages')],
      ['GET', url('/notes')],
      ['POST', url('/read')],
      ['POST', url('/notes'), { body: 'x' }],
      ['POST', url('/status'), { status: 'closed' }],
      ['POST', url('/assign'), { team_id: 1 }],
      ['PUT', url('/labels'), { labels: ['x'] }],
    ];
    for (const [method, path, payload] of attempts) {
      const body = await fx.call<ErrorBody>(method, path, {
        headers: other,
        ...(payload === undefined ? {} : { payload }),
        status: 404,
      });
      expect(body.error.code, `${method} ${path}`).toBe('CONVERSATION_NOT_FOUND');
    }
    const detail = await fx.call<Detail>('GET', url());
    expect(detail).toMatchObject({ status: 'open', unread_count: 1, labels: [] });
    expect(await fx.events('note.created')).toEqual([]);
  });
});
