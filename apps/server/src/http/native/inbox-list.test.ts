import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountFixture } from '../../testing/account-fixture.js';
import type { TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { createTestApp } from '../../testing/test-app.js';
import { inboxFixture } from './inbox-test-fixture.js';

interface ListItem {
  id: string;
  status: string;
  contact: { name: string | null; phone: string | null };
  channel: { id: number; type: string; name: string };
  assignee: { user: { id: number } | null; team: { id: number; name: string } | null };
  labels: string[];
  unread_count: number;
  last_message: { text: string; direction: string } | null;
  last_message_at: string;
}
interface ListPage {
  conversations: ListItem[];
  next_cursor: string | null;
}

describe.each(STACKS)('inbox conversation list on $name', (stack) => {
  let t: TestApp;
  let fx: ReturnType<typeof inboxFixture>;
  beforeEach(async () => {
    t = await createTestApp(stack);
    fx = inboxFixture(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const list = (query: string, headers = fx.admin) =>
    fx.call<ListPage>('GET', `/conversations?${query}`, { headers });
  const ids = (page: ListPage) => page.conversations.map((conversation) => conversation.id);

  /** Every page of a query, following next_cursor. */
  async function pages(query: string): Promise<ListPage[]> {
    const all: ListPage[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      all.push(page);
      cursor = page.next_cursor;
    } while (cursor !== null && all.length < 10);
    return all;
  }

  it('pages through every conversation newest activity first, none twice, none left out', async () => {
    const channel = await fx.channel('WhatsApp');
    const created: string[] = [];
    for (let i = 0; i < 25; i += 1)
      created.push(await fx.inbound(channel, `+1415555${1000 + i}`, `hello ${i}`));
    // Fresh activity moves older conversations to the top; closing takes two out by default.
    for (const index of [3, 7]) await fx.inbound(channel, `+1415555${1000 + index}`, 'again');
    for (const index of [5, 20])
      await fx.call('POST', `/conversations/${created[index] ?? ''}/status`, {
        payload: { status: 'closed' },
        status: 200,
      });

    const expected = await t.runtime.database.db
      .selectFrom('conversations')
      .select(['public_id', 'status'])
      .where('account_id', '=', t.first.account.id)
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(expected.slice(0, 2).map((row) => row.public_id)).toEqual([created[7], created[3]]);

    const everything = await pages('status=open,pending,closed&limit=10');
    expect(everything.map((page) => page.conversations.length)).toEqual([10, 10, 5]);
    expect(everything.flatMap(ids)).toEqual(expected.map((row) => row.public_id));

    const byDefault = await pages('limit=10');
    expect(byDefault.flatMap(ids)).toEqual(
      expected.filter((row) => row.status !== 'closed').map((row) => row.public_id),
    );
    const closed = await list('status=closed');
    expect(new Set(ids(closed))).toEqual(new Set([created[5], created[20]]));
    expect(closed.next_cursor).toBeNull();

    const top = (await list('limit=1')).conversations[0];
    expect(top).toMatchObject({
      id: created[7],
      status: 'open',
      contact: { name: 'Contact +14155551007', phone: '+14155551007' },
      channel: { id: channel, type: 'whatsapp', name: 'WhatsApp' },
      assignee: { user: null, team: null },
      labels: [],
      unread_count: 2,
      last_message: { text: 'again', direction: 'inbound' },
    });

    for (const query of ['cursor=not-a-cursor', 'limit=101', 'status=archived', 'assignee=x'])
      await fx.call('GET', `/conversations?${query}`, { status: 400 });
  });

  it('filters by assignee, team, label, channel and unread', async () => {
    const whatsapp = await fx.channel('WhatsApp');
    const sms = await fx.channel('SMS', 'sms');
    const [mine, teams, labelled, quiet] = [
      await fx.inbound(whatsapp, '+14155550001', 'one'),
      await fx.inbound(whatsapp, '+14155550002', 'two'),
      await fx.inbound(whatsapp, '+14155550003', 'three'),
      await fx.inbound(sms, '+14155550004', 'four'),
    ];
    const onSms = await fx.inbound(sms, '+14155550005', 'five');
    const agent = await accountFixture(t).member('agent@acme.test', 'agent');
    const agentHeaders = { authorization: `Bearer ${agent.token}` };
    await fx.call('POST', `/conversations/${mine}/assign`, {
      payload: { user_id: agent.id },
      status: 200,
    });
    const team = await fx.call<{ id: number }>('POST', '/teams', { payload: { name: 'Support' } });
    await fx.call('POST', `/conversations/${teams}/assign`, {
      payload: { team_id: team.id },
      status: 200,
    });
    await fx.call('PUT', `/conversations/${labelled}/labels`, { payload: { labels: ['vip'] } });
    await fx.request('POST', `/conversations/${quiet}/read`, { status: 204 });

    expect(ids(await list('assignee=me', agentHeaders))).toEqual([mine]);
    expect(ids(await list(`assignee=${agent.id}`))).toEqual([mine]);
    expect(new Set(ids(await list('assignee=unassigned')))).toEqual(
      new Set([teams, labelled, quiet, onSms]),
    );
    const body = await fx.call<{ error: { code: string; message: string } }>(
      'GET',
      '/conversations?assignee=me',
      { status: 400 },
    );
    expect(body.error.message).toMatch(/account token/);
    const inTeam = await list(`team_id=${team.id}`);
    expect(ids(inTeam)).toEqual([teams]);
    expect(inTeam.conversations[0]?.assignee.team).toEqual({ id: team.id, name: 'Support' });
    const vip = await list('label=vip');
    expect(ids(vip)).toEqual([labelled]);
    expect(vip.conversations[0]?.labels).toEqual(['vip']);
    expect(ids(await list('label=nobody'))).toEqual([]);
    expect(new Set(ids(await list(`channel_id=${sms}`)))).toEqual(new Set([quiet, onSms]));
    expect(ids(await list('unread=true'))).not.toContain(quiet);
    expect(ids(await list('unread=true'))).toHaveLength(4);
    expect(ids(await list(`unread=true&channel_id=${sms}&assignee=unassigned`))).toEqual([onSms]);
  });

  it('searches the text of every message, ignoring case, with wildcards taken literally', async () => {
    const channel = await fx.channel('WhatsApp');
    const late = await fx.inbound(channel, '+14155550011', 'My ORDER is late');
    const missing = await fx.inbound(channel, '+14155550012', 'where is order #42?');
    await fx.inbound(channel, '+14155550012', 'thanks'); // the match is no longer the last message
    await fx.inbound(channel, '+14155550013', 'Refund please');
    const percent = await fx.inbound(channel, '+14155550014', 'is it 100% off_season?');
    await fx.inbound(channel, '+14155550015', 'is it 1000 offXseason?');

    const search = async (q: string) =>
      new Set(ids(await list(`q=${encodeURIComponent(q)}&status=open,pending,closed`)));
    expect(await search('order')).toEqual(new Set([late, missing]));
    expect(await search('OrDeR')).toEqual(new Set([late, missing]));
    expect(await search('100%')).toEqual(new Set([percent]));
    expect(await search('off_season')).toEqual(new Set([percent]));
    expect(await search('nothing like this')).toEqual(new Set());
  });
});
