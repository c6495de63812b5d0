import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { TestClock } from '../../testing/test-clock.js';
import { sleep, waitFor } from '../../testing/wait-for.js';
import { BotCluster, CONTACT } from './bot-cluster-harness.js';
import { flow } from './bot-runner-harness.js';
import { parseState } from './bot-session-store.js';

const HOUR = 60 * 60 * 1_000;
const DAY = 24 * HOUR;
/**
 * Far from the real time on purpose: anything deciding bot time by `Date.now()` instead of
 * the runtime's clock schedules the timer two days after today, which this clock sees as
 * long overdue, so the delay would fire at once and the test fail.
 */
const T = Date.parse('2031-06-02T09:00:00Z');
/** How long idle workers (polling every 20 ms) get to show a job they should not run. */
const QUIET_MS = 600;

const text = (value: string) => ({ text: value });

const delayFlow = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'wait-msg', type: 'message', data: text('Wait') },
    { id: 'wait', type: 'delay', data: { amount: 2, unit: 'days' } },
    { id: 'back', type: 'message', data: text('Back') },
  ],
  ['start->wait-msg', 'wait-msg->wait', 'wait->back'],
);

const inputFlow = flow(
  [
    { id: 'start', type: 'start' },
    {
      id: 'email',
      type: 'input',
      data: {
        prompt: 'Your e-mail?',
        kind: 'email',
        variable: 'email',
        retryPrompt: 'That is not an e-mail. Your e-mail?',
        maxRetries: 2,
      },
    },
    { id: 'thanks', type: 'message', data: text('Thanks, {{email}}!') },
  ],
  ['start->email', 'email->thanks'],
  [{ name: 'email', type: 'string', scope: 'contact' }],
);

function timerJobs(db: Db) {
  return db
    .selectFrom('jobs')
    .select(['status', 'attempts', 'run_at'])
    .where('name', '=', 'bot.timer')
    .execute();
}

async function sessionOf(db: Db, publicId: string) {
  const row = await db
    .selectFrom('bot_sessions')
    .innerJoin('conversations', 'conversations.id', 'bot_sessions.conversation_id')
    .select('bot_sessions.state')
    .where('conversations.public_id', '=', publicId)
    .executeTakeFirstOrThrow();
  return parseState(row.state).session;
}

// The database job queue only: BullMQ keeps Redis's own time for delays, so a moved clock
// means nothing to it.
describe.each(DIALECTS)('bot durability across restarts on %s', (dialect) => {
  let cluster: BotCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it('resumes a 2-day delay after restarts: not a day early, then once, on time', async () => {
    const c = (cluster = await BotCluster.create({ name: dialect, dialect, redis: false }));
    const clock = new TestClock(T);
    let app = await c.start(clock);
    await c.deploy(app, delayFlow);
    clock.set(T);
    const id = await c.say(app, 'hi');
    const after = clock.now();
    let db = app.runtime.database.db;
    expect(await c.transcript(db, id)).toEqual(['> hi', '< Wait']);
    const [scheduled, ...others] = await timerJobs(db);
    expect(others).toEqual([]);
    expect(scheduled?.run_at).toBeGreaterThanOrEqual(T + 2 * DAY);
    expect(scheduled?.run_at).toBeLessThanOrEqual(after + 2 * DAY);
    // The workers are running (they send "Wait") and leave the timer alone.
    const sent = async () =>
      (
        await db
          .selectFrom('jobs')
          .select('id')
          .where('name', '=', 'message.send')
          .where('status', '=', 'completed')
          .execute()
      ).length > 0;
    await waitFor(sent, 5_000, 'the reply to be sent');
    await c.stop(app);

    // A day later: a new process, its workers polling, and still no "Back".
    clock.set(T + DAY);
    app = await c.start(clock);
    db = app.runtime.database.db;
    await sleep(QUIET_MS);
    expect(await c.transcript(db, id)).toEqual(['> hi', '< Wait']);
    expect(await timerJobs(db)).toEqual([
      { status: 'queued', attempts: 0, run_at: scheduled?.run_at },
    ]);
    expect(await sessionOf(db, id)).toMatchObject({ status: 'waiting', nodeId: 'wait' });
    await c.stop(app);

    clock.set(T + 2 * DAY + 1_000);
    app = await c.start(clock);
    db = app.runtime.database.db;
    const current = db;
    await waitFor(
      async () => (await c.transcript(current, id)).includes('< Back'),
      10_000,
      '"Back" after the delay',
    );
    // Time for a second run of the timer to show up, if there were one.
    await sleep(QUIET_MS);
    expect(await c.transcript(db, id)).toEqual(['> hi', '< Wait', '< Back']);
    expect(await timerJobs(db)).toEqual([
      { status: 'completed', attempts: 1, run_at: scheduled?.run_at },
    ]);
    expect(await sessionOf(db, id)).toMatchObject({ status: 'ended' });
    expect(await c.conversation(db, id)).toMatchObject({ assigned_to_bot: 0 });
  });

  it('resumes a parked input after restarts: a wrong answer is re-asked, a right one saved', async () => {
    const c = (cluster = await BotCluster.create({ name: dialect, dialect, redis: false }));
    const clock = new TestClock(T);
    let app = await c.start(clock);
    await c.deploy(app, inputFlow);
    const id = await c.say(app, 'hi');
    expect(await c.transcript(app.runtime.database.db, id)).toEqual(['> hi', '< Your e-mail?']);
    await c.stop(app);

    clock.set(T + HOUR);
    app = await c.start(clock);
    await c.say(app, 'not an email');
    expect((await c.transcript(app.runtime.database.db, id)).slice(2)).toEqual([
      '> not an email',
      '< That is not an e-mail. Your e-mail?',
    ]);
    await c.stop(app);

    clock.set(T + 2 * HOUR);
    app = await c.start(clock);
    const db = app.runtime.database.db;
    await c.say(app, 'Ada@Example.test');
    expect(await c.transcript(db, id)).toEqual([
      '> hi',
      '< Your e-mail?',
      '> not an email',
      '< That is not an e-mail. Your e-mail?',
      '> Ada@Example.test',
      '< Thanks, ada@example.test!',
    ]);
    const session = await sessionOf(db, id);
    expect(session).toMatchObject({ status: 'ended', variables: { email: 'ada@example.test' } });
    const contact = await db
      .selectFrom('contacts')
      .select('email')
      .where('phone', '=', CONTACT)
      .executeTakeFirstOrThrow();
    expect(contact.email).toBe('ada@example.test');
  });
});
