import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { refuseMessagesSaying } from '../../testing/refused-text.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { TestClock } from '../../testing/test-clock.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { flow } from './bot-runner-harness.js';
import { parseState } from './bot-session-store.js';

const waitThenSay = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'hold', type: 'message', data: { text: 'Hold on' } },
    { id: 'wait', type: 'delay', data: { amount: 1, unit: 'minutes' } },
    { id: 'back', type: 'message', data: { text: 'Back' } },
  ],
  ['start->hold', 'hold->wait', 'wait->back'],
);

const HOUR = 60 * 60 * 1_000;

// The database job queue: its retries are due by the runtime's clock, which the test moves.
describe.each(DIALECTS)('a timer turn that keeps failing on %s', (dialect) => {
  let t: TestApp;
  const clock = new TestClock(Date.now());
  beforeEach(async () => {
    t = await createTestApp(dialect, {}, { runtime: { clock } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('hands the conversation to the agents after its last attempt', async () => {
    const { admin, sms } = await conversationFixture(t);
    const headers = { ...admin, 'content-type': 'application/json' };
    const post = (url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url, headers, payload: JSON.stringify(payload) });
    const { id } = (await post('/v1/bot', { name: 'Bot', channel: 'SMS' })).json<{ id: number }>();
    await post(`/v1/bots/${String(id)}/deploy`, { flow_diagram: JSON.stringify(waitThenSay) });
    const db = t.runtime.database.db;
    // The reply after the delay cannot be stored: every attempt of the timer's turn fails.
    await refuseMessagesSaying(db, dialect, 'Back');
    const say = (text: string) =>
      post(`/api/native/channels/${String(sms)}/sandbox/inbound`, {
        from: '+14155550199',
        content: { type: 'text', text },
      });
    await say('hi');
    const conversation = () =>
      db
        .selectFrom('conversations')
        .selectAll()
        .where('channel_id', '=', sms)
        .executeTakeFirstOrThrow();
    expect(await conversation()).toMatchObject({ assigned_to_bot: 1, status: 'pending' });

    await t.runtime.startWorkers();
    const timerJob = () =>
      db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('name', '=', 'bot.timer')
        .executeTakeFirstOrThrow();
    await waitFor(
      async () => {
        clock.advance(HOUR); // each retry, and the delay itself, due at once
        return (await timerJob()).status === 'dead';
      },
      20_000,
      'the timer job out of attempts',
    );
    expect(await conversation()).toMatchObject({ assigned_to_bot: 0, status: 'open' });
    const session = await db.selectFrom('bot_sessions').select('state').executeTakeFirstOrThrow();
    const state = parseState(session.state);
    expect(state.session).toMatchObject({ status: 'ended', endReason: 'handover' });
    expect(state.timer).toBeNull();
    expect(state.log.at(-1)).toMatchObject({ nodeId: 'wait', type: 'timer' });
    expect(state.log.at(-1)?.outcome).toMatch(/^error: .*refused by the test/);

    // The agents' conversation now: the contact's next message wakes no bot.
    await say('anyone there?');
    const texts = await db
      .selectFrom('messages')
      .select(['direction', 'text'])
      .where('conversation_id', '=', (await conversation()).id)
      .orderBy('id')
      .execute();
    expect(texts.map((row) => `${row.direction === 'inbound' ? '>' : '<'} ${row.text}`)).toEqual([
      '> hi',
      '< Hold on',
      '> anyone there?',
    ]);
  });
});
