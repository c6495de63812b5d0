import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../storage/transaction.js';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';

const TOKEN = 'inbound-token-0123456789';
const INBOX = 'support@acme.test';

const mail = (headers: Record<string, string>, body: string) =>
  [
    'From: Ada Lovelace <ada@example.org>',
    `To: Acme Support <${INBOX}>`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ].join('\r\n');

describe.each(DIALECTS)('the e-mail channel on %s', (dialect) => {
  let t: TestApp;
  let sink: SmtpSink;
  let key: string;
  let channelId: number;
  beforeEach(async () => {
    sink = await startSmtpSink();
    t = await createTestApp(dialect, { SMTP_URL: sink.url, PARLEY_JOB_BACKOFF_MS: '20' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: bearer(t.first.accountToken),
      payload: {
        type: 'email',
        provider: 'email',
        name: 'Support inbox',
        external_id: INBOX,
        config: { from_name: 'Acme Support' },
        secrets: { inbound_token: TOKEN },
      },
    });
    expect(created.statusCode).toBe(201);
    ({ public_key: key, id: channelId } = created.json<{ public_key: string; id: number }>());
    await t.runtime.startWorkers();
  });
  afterEach(async () => {
    await t.close();
    await sink.close();
  });

  const post = (raw: string, auth: { header?: string; query?: string } = { header: TOKEN }) =>
    t.app.inject({
      method: 'POST',
      url: `/webhooks/channels/${key}${auth.query === undefined ? '' : `?token=${auth.query}`}`,
      headers: {
        'content-type': 'message/rfc822',
        ...(auth.header === undefined ? {} : { 'x-parley-email-token': auth.header }),
      },
      payload: raw,
    });
  const messages = () =>
    t.runtime.database.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select([
        'messages.id',
        'messages.direction',
        'messages.text',
        'messages.status',
        'messages.provider_message_id',
        'conversations.public_id as conversation',
        'conversations.status as conversationStatus',
      ])
      .where('messages.channel_id', '=', channelId)
      .orderBy('messages.id')
      .execute();
  const inbound = async (count: number) => {
    await waitFor(
      async () => (await messages()).filter((m) => m.direction === 'inbound').length >= count,
      5_000,
      `${String(count)} inbound`,
    );
    return messages();
  };
  const reply = async (conversationId: string, text: string) => {
    const conversation = await t.runtime.services.conversations.get(
      t.first.account.id,
      conversationId,
    );
    return inTransaction(t.runtime.database.db, (unit) =>
      t.runtime.services.messages.addOutbound(unit, conversation, {
        content: { type: 'text', text },
        senderType: 'user',
      }),
    );
  };
  const received = async (count: number) => {
    await waitFor(() => sink.messages.length >= count, 5_000, `${String(count)} mails`);
    const last = sink.messages[count - 1];
    return simpleParser(Buffer.from(last?.raw ?? ''));
  };

  it('refuses requests without the inbound token, and takes it as header or query', async () => {
    const raw = mail({ 'Message-ID': '<t-1@example.org>', Subject: 'Hi' }, 'Hello');
    expect((await post(raw, {})).statusCode).toBe(401);
    expect((await post(raw, { header: 'wrong-token-0123456789' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: `/webhooks/channels/${key}` })).statusCode,
    ).toBe(403);
    const accepted = await post(raw, { query: TOKEN });
    expect(accepted.statusCode).toBe(202);
    const stored = await inbound(1);
    expect(stored.map((m) => m.provider_message_id)).toEqual(['<t-1@example.org>']);
  });

  it('threads a conversation both ways: replies carry In-Reply-To and References, answers come back to it', async () => {
    const first = mail(
      { 'Message-ID': '<first-1@example.org>', Subject: 'Order 42' },
      'Where is my order?',
    );
    // Redeliveries of one mail are one message.
    await Promise.all([1, 2, 3].map(() => post(first)));
    const [opened] = await inbound(1);
    const conversation = opened?.conversation ?? '';

    const ours = await reply(conversation, 'It ships today.');
    const sent = await received(1);
    const ourId = `<${ours.public_id}@acme.test>`;
    expect(sent.messageId).toBe(ourId);
    expect(sent.inReplyTo).toBe('<first-1@example.org>');
    expect(sent.references).toBe('<first-1@example.org>');
    expect(sent.from?.value).toEqual([{ address: INBOX, name: 'Acme Support' }]);
    expect(sent.to && !Array.isArray(sent.to) ? sent.to.value[0]?.address : '').toBe(
      'ada@example.org',
    );
    expect(sent.subject).toBe('Re: your message to Acme Support');
    expect(sent.text?.trim()).toBe('It ships today.');
    await waitFor(async () => (await messages()).some((m) => m.status === 'sent'), 5_000, 'sent');
    expect((await messages()).find((m) => m.id === ours.id)?.provider_message_id).toBe(ourId);

    const answer = mail(
      {
        'Message-ID': '<second-2@example.org>',
        Subject: 'Re: Order 42',
        'In-Reply-To': ourId,
        References: `<first-1@example.org> ${ourId}`,
      },
      `Great, thanks!\r\n\r\nOn Tue, Acme Support <${INBOX}> wrote:\r\n> It ships today.`,
    );
    await post(answer);
    const all = await inbound(2);
    expect(
      all.filter((m) => m.direction === 'inbound').map((m) => [m.conversation, m.text]),
    ).toEqual([
      [conversation, 'Where is my order?'],
      [conversation, 'Great, thanks!'],
    ]);

    await reply(conversation, 'You are welcome.');
    const second = await received(2);
    expect(second.inReplyTo).toBe('<second-2@example.org>');
    expect(second.references).toEqual(['<first-1@example.org>', ourId, '<second-2@example.org>']);
  });

  it('a reply to a closed thread reopens it, or opens a new conversation when reopening is off', async () => {
    await post(mail({ 'Message-ID': '<c-1@example.org>', Subject: 'Refund' }, 'Refund please'));
    const [opened] = await inbound(1);
    const conversation = opened?.conversation ?? '';
    await t.runtime.services.conversations.close(t.first.account.id, conversation, null);
    await post(
      mail({ 'Message-ID': '<c-2@example.org>', 'In-Reply-To': '<c-1@example.org>' }, 'Any news?'),
    );
    const reopened = await inbound(2);
    expect(reopened.map((m) => [m.conversation, m.conversationStatus])).toEqual([
      [conversation, 'open'],
      [conversation, 'open'],
    ]);

    const settings = await t.app.inject({
      method: 'PUT',
      url: '/api/native/account/settings',
      headers: bearer(t.first.accountToken),
      payload: { reopenOnInbound: false },
    });
    expect(settings.statusCode).toBe(200);
    await t.runtime.services.conversations.close(t.first.account.id, conversation, null);
    await post(
      mail({ 'Message-ID': '<c-3@example.org>', 'In-Reply-To': '<c-2@example.org>' }, 'Hello?'),
    );
    const later = await inbound(3);
    expect(later[2]?.conversation).not.toBe(conversation);
    expect(later[0]?.conversationStatus).toBe('closed');
  });

  it('attaches media files and links what it cannot fetch', async () => {
    await post(mail({ 'Message-ID': '<m-1@example.org>' }, 'Send me the file'));
    const [opened] = await inbound(1);
    const conversation = await t.runtime.services.conversations.get(
      t.first.account.id,
      opened?.conversation ?? '',
    );
    const send = (url: string) =>
      inTransaction(t.runtime.database.db, (unit) =>
        t.runtime.services.messages.addOutbound(unit, conversation, {
          content: {
            type: 'media',
            kind: 'document',
            media: { url, filename: 'note.txt' },
            caption: 'Here',
          },
          senderType: 'bot',
        }),
      );
    await send('data:text/plain;base64,aGVsbG8=');
    const withFile = await received(1);
    expect(withFile.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['note.txt', 'hello'],
    ]);
    await send('http://127.0.0.1:1/note.txt');
    const withLink = await received(2);
    expect(withLink.attachments).toEqual([]);
    expect(withLink.text).toContain('note.txt: http://127.0.0.1:1/note.txt');
  });
});
