import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { greeter, webBot } from './widget-test-fixture.js';

interface Session {
  visitor_token: string;
  conversation_id: string | null;
  messages: {
    id: string;
    seq: number;
    content: { type: string; text?: string };
    clientId: string | null;
  }[];
  cursor: number;
}

describe.each(DIALECTS)('widget visitor API on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST', url: string, body?: unknown, token?: string) =>
    t.app.inject({
      method,
      url,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  const open = async (botKey: string, token?: string) => {
    const response = await call('POST', '/widget/api/sessions', {
      bot_key: botKey,
      ...(token === undefined ? {} : { visitor_token: token }),
    });
    expect(response.statusCode).toBe(200);
    return response.json<Session>();
  };

  const texts = (session: Pick<Session, 'messages'>) =>
    session.messages.map((message) => message.content.text);

  it('answers an unknown bot key with BOT_NOT_FOUND in the native envelope', async () => {
    const response = await call('GET', '/widget/api/config?bot_key=nope');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'BOT_NOT_FOUND' } });
    const missing = await call('GET', '/widget/api/config');
    expect(missing.statusCode).toBe(400);
  });

  it('starts the bot once, resumes the same conversation with the stored token, and stores a retried send once', async () => {
    const { botKey } = await webBot(t, greeter('Hello from the web'));
    const config = await call('GET', `/widget/api/config?bot_key=${botKey}`);
    expect(config.json()).toMatchObject({
      botKey,
      appearance: { title: 'Web bot', position: 'right' },
    });

    const first = await open(botKey);
    expect(first.conversation_id).toBeNull();
    const started = (
      await call('POST', '/widget/api/start', {}, first.visitor_token)
    ).json<Session>();
    expect(texts(started)).toEqual(['Hello from the web', 'Say something']);
    const again = (
      await call('POST', '/widget/api/start', {}, first.visitor_token)
    ).json<Session>();
    expect(again.conversation_id).toBe(started.conversation_id);
    expect(again.messages).toHaveLength(2);

    const send = () =>
      call(
        'POST',
        '/widget/api/messages',
        { client_id: 'client-0001', content: { type: 'text', text: 'ping' } },
        first.visitor_token,
      );
    const sent = (await send()).json<{ message: { id: string; clientId: string } }>();
    const retried = (await send()).json<{ message: { id: string } }>();
    expect(retried.message.id).toBe(sent.message.id);
    expect(sent.message.clientId).toBe('client-0001');

    // A reload: the stored token resumes the conversation, each message once, in order.
    const reloaded = await open(botKey, first.visitor_token);
    expect(reloaded.conversation_id).toBe(started.conversation_id);
    expect(texts(reloaded)).toEqual([
      'Hello from the web',
      'Say something',
      'ping',
      'You said ping',
    ]);
    const after = (
      await call(
        'GET',
        `/widget/api/messages?after=${String(reloaded.messages[1]?.seq)}`,
        undefined,
        first.visitor_token,
      )
    ).json<Session>();
    expect(texts(after)).toEqual(['ping', 'You said ping']);
  });

  it("never lets one bot's visitor token into another bot's conversations", async () => {
    const a = await webBot(t, greeter('Bot A'), 'A');
    const b = await webBot(t, greeter('Bot B'), 'B');
    const visitor = await open(a.botKey);
    await call('POST', '/widget/api/start', {}, visitor.visitor_token);
    const onB = await open(b.botKey, visitor.visitor_token);
    expect(onB.visitor_token).not.toBe(visitor.visitor_token);
    expect(onB.messages).toEqual([]);
    const forged = `${visitor.visitor_token.slice(0, -3)}abc`;
    const refused = await call('POST', '/widget/api/start', {}, forged);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'VISITOR_TOKEN_INVALID' } });
  });

  it('identifies a visitor only with the host HMAC, and a verified user continues from another browser', async () => {
    const { botKey } = await webBot(t, greeter('Hi'));
    const browserA = await open(botKey);
    await call('POST', '/widget/api/start', {}, browserA.visitor_token);
    const channel = await t.runtime.database.db
      .selectFrom('channels')
      .selectAll()
      .where('external_id', '=', botKey)
      .executeTakeFirstOrThrow();
    await t.runtime.services.channels.update(t.first.account.id, channel.id, {
      config: { identityVerification: true },
      secrets: { identitySecret: 'host-secret-0123456789' },
    });
    const hash = createHmac('sha256', 'host-secret-0123456789').update('user-42').digest('hex');

    const spoofed = await call(
      'POST',
      '/widget/api/identify',
      { user_id: 'user-42', identity_hash: '0'.repeat(64) },
      browserA.visitor_token,
    );
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.json()).toMatchObject({ error: { code: 'IDENTITY_NOT_VERIFIED' } });
    const unhashed = await call(
      'POST',
      '/widget/api/identify',
      { email: 'eve@example.com' },
      browserA.visitor_token,
    );
    expect(unhashed.statusCode).toBe(403);

    const verified = await call(
      'POST',
      '/widget/api/identify',
      { user_id: 'user-42', identity_hash: hash, name: 'Ada', email: 'ada@example.com' },
      browserA.visitor_token,
    );
    expect(verified.statusCode).toBe(200);
    const { visitor_token, contact } = verified.json<{
      visitor_token: string;
      contact: { name: string; verified: boolean };
    }>();
    expect(contact).toMatchObject({ name: 'Ada', verified: true });
    const started = (await call('POST', '/widget/api/start', {}, visitor_token)).json<Session>();

    const browserB = await open(botKey);
    const again = await call(
      'POST',
      '/widget/api/identify',
      { user_id: 'user-42', identity_hash: hash },
      browserB.visitor_token,
    );
    const resumed = await open(botKey, again.json<{ visitor_token: string }>().visitor_token);
    expect(resumed.conversation_id).toBe(started.conversation_id);
  });

  it("validates and stores a web channel's appearance, which the widget config then carries", async () => {
    const { botKey } = await webBot(t, greeter('Hi'));
    await open(botKey);
    const channel = await t.runtime.database.db
      .selectFrom('channels')
      .select('id')
      .where('external_id', '=', botKey)
      .executeTakeFirstOrThrow();
    const put = (body: unknown) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/native/channels/${String(channel.id)}/widget`,
        headers: {
          authorization: `Bearer ${t.first.accountToken}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify(body),
      });
    const bad = await put({ appearance: { primaryColor: 'red' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', issues: [{ path: ['appearance', 'primaryColor'] }] },
    });
    const noSecret = await put({ identity_verification: true });
    expect(noSecret.statusCode).toBe(400);
    const saved = await put({
      appearance: { primaryColor: '#16a34a', title: 'Acme help', position: 'left' },
      identity_verification: true,
      identity_secret: 'a-secret-of-sixteen+',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      appearance: {
        primaryColor: '#16a34a',
        title: 'Acme help',
        position: 'left',
        imageMaxWidth: 240,
      },
      identity_verification: true,
      identity_secret_set: true,
    });
    expect(saved.body).not.toContain('a-secret-of-sixteen+');
    const config = await call('GET', `/widget/api/config?bot_key=${botKey}`);
    expect(config.json()).toMatchObject({
      appearance: { primaryColor: '#16a34a', title: 'Acme help', position: 'left' },
      identityVerification: true,
    });
  });

  it('stores an uploaded picture and serves it safely; refuses HTML', async () => {
    const { botKey } = await webBot(t, greeter('Hi'));
    const visitor = await open(botKey);
    const upload = (filename: string, type: string, body: string) => {
      const boundary = '----parleytest';
      const payload = [
        `--${boundary}`,
        `Content-Disposition: form-data; name="file"; filename="${filename}"`,
        `Content-Type: ${type}`,
        '',
        body,
        `--${boundary}--`,
        '',
      ].join('\r\n');
      return t.app.inject({
        method: 'POST',
        url: '/widget/api/uploads',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          authorization: `Bearer ${visitor.visitor_token}`,
        },
        payload,
      });
    };
    const stored = await upload('cat.png', 'image/png', 'not really a png');
    expect(stored.statusCode).toBe(200);
    const { media, kind } = stored.json<{
      media: { url: string; mediaId: string; size: number };
      kind: string;
    }>();
    expect(kind).toBe('image');
    expect(media.size).toBe(16);
    const served = await t.app.inject({ method: 'GET', url: `/media/${media.mediaId}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.body).toBe('not really a png');

    const html = await upload('x.html', 'text/html', '<script>alert(1)</script>');
    expect(html.statusCode).toBe(415);
    expect(html.json()).toMatchObject({ error: { code: 'MEDIA_TYPE_NOT_ALLOWED' } });
  });

  it("runs a bot's draft on its preview key while the live key runs the deployed flow", async () => {
    const { id, botKey, previewKey } = await webBot(t, greeter('Live hello'));
    await t.runtime.database.db
      .updateTable('bots')
      .set({ draft_flow: JSON.stringify(greeter('Draft hello')) })
      .where('id', '=', id)
      .execute();
    const preview = (
      await call('POST', '/widget/api/sessions', { preview_key: previewKey })
    ).json<Session>();
    const previewed = (
      await call('POST', '/widget/api/start', {}, preview.visitor_token)
    ).json<Session>();
    expect(texts(previewed)[0]).toBe('Draft hello');
    const debug = await call('GET', '/widget/api/preview/debug', undefined, preview.visitor_token);
    expect(debug.json()).toMatchObject({ status: 'waiting', node_id: 'ask' });
    expect(
      debug.json<{ log: { node_id: string }[] }>().log.map((entry) => entry.node_id),
    ).toContain('hi');

    const live = await open(botKey);
    const started = (
      await call('POST', '/widget/api/start', {}, live.visitor_token)
    ).json<Session>();
    expect(texts(started)[0]).toBe('Live hello');
    const denied = await call('GET', '/widget/api/preview/debug', undefined, live.visitor_token);
    expect(denied.statusCode).toBe(403);
    // Preview versions stay out of the bot's version history.
    const versions = await t.runtime.database.db
      .selectFrom('flow_versions')
      .select('version')
      .where('bot_id', '=', id)
      .execute();
    expect(versions.map((row) => row.version).sort()).toEqual([-1, 1]);
  });
});
