import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountFixture } from '../../testing/account-fixture.js';
import { bearer, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { createTestApp } from '../../testing/test-app.js';
import { inboxFixture } from './inbox-test-fixture.js';

interface Label {
  id: number;
  name: string;
  color: string;
}
interface SavedReply {
  id: number;
  short_code: string;
  content: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(STACKS)('inbox labels and saved replies on $name', (stack) => {
  let t: TestApp;
  let fx: ReturnType<typeof inboxFixture>;
  beforeEach(async () => {
    t = await createTestApp(stack);
    fx = inboxFixture(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const labelNames = async () =>
    (await fx.call<{ labels: Label[] }>('GET', '/labels')).labels.map((label) => label.name);

  it('creates, lists and deletes labels; a name the account has is 409', async () => {
    const vip = await fx.call<Label>('POST', '/labels', {
      payload: { name: ' vip ', color: '#ff0000' },
    });
    expect(vip).toMatchObject({ name: 'vip', color: '#ff0000' });
    const billing = await fx.call<Label>('POST', '/labels', { payload: { name: 'billing' } });
    expect(billing.color).toBe('#6b7280');
    expect(await labelNames()).toEqual(['billing', 'vip']);

    const duplicate = await fx.call<ErrorBody>('POST', '/labels', {
      payload: { name: 'vip' },
      status: 409,
    });
    expect(duplicate.error.message).toBe('A label with this name already exists.');
    await fx.call('POST', '/labels', { payload: { name: 'x', color: 'red' }, status: 400 });

    await fx.request('DELETE', `/labels/${vip.id}`, { status: 204 });
    await fx.request('DELETE', `/labels/${vip.id}`, { status: 404 });
    expect(await labelNames()).toEqual(['billing']);

    // Another account neither sees nor deletes them, and may use the same names.
    const other = bearer((await t.createAccount('Other')).accountToken);
    expect(
      (await fx.call<{ labels: Label[] }>('GET', '/labels', { headers: other })).labels,
    ).toEqual([]);
    await fx.request('DELETE', `/labels/${billing.id}`, { headers: other, status: 404 });
    await fx.call('POST', '/labels', { headers: other, payload: { name: 'billing' } });
    expect(await labelNames()).toEqual(['billing']);
  });

  it("replaces a conversation's labels, creating unknown ones, with one event per change", async () => {
    const channel = await fx.channel('WhatsApp');
    const conversation = await fx.inbound(channel, '+14155550123', 'hi');
    const put = (labels: string[]) =>
      fx.call<{ labels: string[] }>('PUT', `/conversations/${conversation}/labels`, {
        payload: { labels },
      });
    await fx.call('POST', '/labels', { payload: { name: 'vip' } });

    expect(await put(['vip', 'billing', 'vip'])).toEqual({ labels: ['billing', 'vip'] });
    expect(await labelNames()).toEqual(['billing', 'vip']);
    expect(await put(['urgent', 'vip'])).toEqual({ labels: ['urgent', 'vip'] });
    expect(await put(['vip', 'urgent'])).toEqual({ labels: ['urgent', 'vip'] });
    expect(await fx.events('conversation.labels_changed')).toMatchObject([
      { added: ['billing', 'vip'], removed: [], conversation: { labels: ['billing', 'vip'] } },
      { added: ['urgent'], removed: ['billing'], conversation: { labels: ['urgent', 'vip'] } },
    ]);
    expect((await fx.events('conversation.labels_changed')).length).toBe(2);

    const detail = () => fx.call<{ labels: string[] }>('GET', `/conversations/${conversation}`);
    expect((await detail()).labels).toEqual(['urgent', 'vip']);
    const urgent = (await fx.call<{ labels: Label[] }>('GET', '/labels')).labels.find(
      (label) => label.name === 'urgent',
    );
    await fx.request('DELETE', `/labels/${urgent?.id ?? 0}`, { status: 204 });
    expect((await detail()).labels).toEqual(['vip']);
    expect(await put([])).toEqual({ labels: [] });
    await fx.call('PUT', `/conversations/${conversation}/labels`, {
      payload: { labels: [''] },
      status: 400,
    });
  });

  it('keeps saved replies by short code: create, list, change, delete, 409 on a taken code', async () => {
    const create = (short_code: string, content: string, status = 201) =>
      fx.call<SavedReply & ErrorBody>('POST', '/saved-replies', {
        payload: { short_code, content },
        status,
      });
    const hello = await create('hello', 'Hello! How can I help?');
    const bye = await create('bye', 'Thanks, bye!');
    const taken = await create('hello', 'again', 409);
    expect(taken.error.message).toBe('A saved reply with this short code already exists.');
    await create('two words', 'x', 400);

    const list = async () =>
      (await fx.call<{ saved_replies: SavedReply[] }>('GET', '/saved-replies')).saved_replies;
    expect((await list()).map((reply) => reply.short_code)).toEqual(['bye', 'hello']);

    const changed = await fx.call<SavedReply>('PATCH', `/saved-replies/${hello.id}`, {
      payload: { content: 'Hi there!' },
    });
    expect(changed).toMatchObject({ id: hello.id, short_code: 'hello', content: 'Hi there!' });
    await fx.call('PATCH', `/saved-replies/${bye.id}`, {
      payload: { short_code: 'hello' },
      status: 409,
    });
    await fx.call('PATCH', `/saved-replies/${bye.id}`, { payload: { short_code: 'ciao' } });

    const other = bearer((await t.createAccount('Other')).accountToken);
    await fx.call('PATCH', `/saved-replies/${bye.id}`, {
      headers: other,
      payload: { content: 'x' },
      status: 404,
    });
    await fx.request('DELETE', `/saved-replies/${bye.id}`, { headers: other, status: 404 });
    await fx.call('POST', '/saved-replies', {
      headers: other,
      payload: { short_code: 'hello', content: 'Other hello' },
    });

    await fx.request('DELETE', `/saved-replies/${bye.id}`, { status: 204 });
    await fx.request('DELETE', `/saved-replies/${bye.id}`, { status: 404 });
    expect(await list()).toMatchObject([{ short_code: 'hello', content: 'Hi there!' }]);
  });

  it('needs live_chat.settings to manage labels and saved replies, not to use them', async () => {
    const agent = bearer((await accountFixture(t).member('agent@acme.test', 'agent')).token);
    await fx.call('GET', '/labels', { headers: agent });
    await fx.call('GET', '/saved-replies', { headers: agent });
    for (const [url, payload] of [
      ['/labels', { name: 'vip' }],
      ['/saved-replies', { short_code: 'hi', content: 'Hi' }],
    ] as const)
      await fx.call('POST', url, { headers: agent, payload, status: 403 });
    await fx.request('DELETE', '/labels/1', { headers: agent, status: 403 });
    await fx.call('PATCH', '/saved-replies/1', { headers: agent, payload: {}, status: 403 });
    const channel = await fx.channel('WhatsApp');
    const conversation = await fx.inbound(channel, '+14155550123', 'hi');
    await fx.call('PUT', `/conversations/${conversation}/labels`, {
      headers: agent,
      payload: { labels: ['from-agent'] },
    });
  });
});
