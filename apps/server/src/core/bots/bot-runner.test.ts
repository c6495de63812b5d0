import { afterEach, describe, expect, it } from 'vitest';
import { refuseMessagesSaying } from '../../testing/refused-text.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { sleep, waitFor } from '../../testing/wait-for.js';
import { botHarness, flow } from './bot-runner-harness.js';
import { parseState } from './bot-session-store.js';

type Harness = Awaited<ReturnType<typeof botHarness>>;

const text = (value: string) => ({ text: value });

/** Greeting, e-mail with a retry, numbered buttons, a condition and a handover to a team. */
function salesFlow(teamId: number) {
  return flow(
    [
      { id: 'start', type: 'start' },
      { id: 'greet', type: 'message', data: text('Hi! I am the Parley bot.') },
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
      {
        id: 'topic',
        type: 'buttons',
        data: {
          prompt: 'Sales or support?',
          buttons: [
            { id: 'sales', title: 'Sales' },
            { id: 'support', title: 'Support' },
          ],
        },
      },
      {
        id: 'vip',
        type: 'condition',
        data: { groups: [{ rules: [{ variable: 'email', operator: 'contains', value: 'acme' }] }] },
      },
      { id: 'welcome', type: 'message', data: text('Welcome, {{email}}!') },
      { id: 'bye', type: 'message', data: text('Noted.') },
      {
        id: 'human',
        type: 'handover',
        data: { teamId: String(teamId), message: 'Connecting you to sales.' },
      },
    ],
    [
      'start->greet',
      'greet->email',
      'email->topic',
      'topic:button:sales->vip',
      'topic:button:support->bye',
      'vip:true->welcome',
      'vip:false->bye',
      'welcome->human',
    ],
    [{ name: 'email', type: 'string', scope: 'contact' }],
  );
}

describe.each(DIALECTS)('bot runner on %s', (dialect) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.t.close();
    h = undefined;
  });

  it('runs a flow turn by turn and hands over to a team', async () => {
    h = await botHarness(dialect);
    const team = await h.createTeam('Sales');
    await h.deploy(salesFlow(team));
    const id = await h.say('hello');
    expect(await h.conversation(id)).toMatchObject({ assigned_to_bot: 1, status: 'pending' });
    await h.say('not an email');
    await h.say('Ada@Acme.test');
    await h.say('1');
    expect(await h.transcript(id)).toEqual([
      '> hello',
      '< Hi! I am the Parley bot.',
      '< Your e-mail?',
      '> not an email',
      '< That is not an e-mail. Your e-mail?',
      '> Ada@Acme.test',
      '< Sales or support?',
      '> 1',
      '< Welcome, ada@acme.test!',
      '< Connecting you to sales.',
    ]);
    const conversation = await h.conversation(id);
    expect(conversation).toMatchObject({
      assigned_to_bot: 0,
      status: 'open',
      assignee_team_id: team,
      assignee_user_id: null,
    });
    const contact = await h.db
      .selectFrom('contacts')
      .select('email')
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
    expect(contact.email).toBe('ada@acme.test');
    const events = await h.db
      .selectFrom('account_events')
      .select('type')
      .where('conversation_id', '=', conversation.id)
      .where('type', '=', 'conversation.assignee_changed')
      .execute();
    expect(events).toHaveLength(1);

    // The agents have it now: the bot stays quiet.
    await h.say('anyone there?');
    expect((await h.transcript(id)).at(-1)).toBe('> anyone there?');
    const session = await h.db
      .selectFrom('bot_sessions')
      .selectAll()
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    const state = parseState(session.state);
    expect(state.session).toMatchObject({ status: 'ended', endReason: 'handover' });
    expect(state.log.at(-1)).toMatchObject({ nodeId: 'human', type: 'handover' });
  });

  it('restarts a session idle for longer than the expiry', async () => {
    h = await botHarness(dialect, { expiryMs: 50 });
    await h.deploy(salesFlow(await h.createTeam('Sales')));
    const id = await h.say('hello');
    await sleep(100);
    await h.say('ada@acme.test');
    expect((await h.transcript(id)).slice(-3)).toEqual([
      '> ada@acme.test',
      '< Hi! I am the Parley bot.',
      '< Your e-mail?',
    ]);
  });

  // A turn the database refuses halfway (a trigger refusing one reply's text stands for any
  // failure inside the bot) must not take the contact's message with it.
  it('keeps the message when its bot turn fails, and runs the bot again on the next one', async () => {
    h = await botHarness(dialect);
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'greet', type: 'message', data: text('Hello there') },
          { id: 'end', type: 'end' },
        ],
        ['start->greet', 'greet->end'],
      ),
    );
    const lift = await refuseMessagesSaying(h.db, dialect, 'Hello there');
    const id = await h.say('hi');
    expect(await h.transcript(id)).toEqual(['> hi']);
    const session = await h.db.selectFrom('bot_sessions').select('id').execute();
    expect(session).toEqual([]);
    await lift();
    await h.say('anyone?');
    expect(await h.transcript(id)).toEqual(['> hi', '> anyone?', '< Hello there']);
  });

  it('resumes after a delay on a durable timer job', async () => {
    h = await botHarness(dialect);
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'a', type: 'message', data: text('One moment…') },
          { id: 'wait', type: 'delay', data: { amount: 1, unit: 'seconds' } },
          { id: 'b', type: 'message', data: text('Done.') },
        ],
        ['start->a', 'a->wait', 'wait->b'],
      ),
    );
    const before = Date.now();
    const id = await h.say('hi');
    const job = await h.db
      .selectFrom('jobs')
      .select(['run_at', 'payload'])
      .where('name', '=', 'bot.timer')
      .executeTakeFirstOrThrow();
    expect(job.run_at).toBeGreaterThanOrEqual(before + 1_000);
    expect(job.run_at).toBeLessThanOrEqual(Date.now() + 1_000);
    // A message during the delay neither cuts it short nor loses the timer.
    await h.say('still there?');
    expect(await h.transcript(id)).toEqual(['> hi', '< One moment…', '> still there?']);
    await h.t.runtime.startWorkers();
    const harness = h;
    await waitFor(async () => (await harness.transcript(id)).includes('< Done.'), 10_000, 'Done.');
    expect(await h.conversation(id)).toMatchObject({ assigned_to_bot: 0, status: 'open' });
  });

  it('serializes 50 concurrent messages of one conversation: no lost or interleaved turn', async () => {
    h = await botHarness(dialect);
    // Each answer is appended to a trail that the next question echoes: a lost turn drops
    // an answer, and two turns from the same state would echo the same prefix twice.
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'ask', type: 'input', data: { prompt: 'seen:{{trail}}', variable: 'last' } },
          {
            id: 'add',
            type: 'set_variable',
            data: { variable: 'trail', value: '{{trail}}|{{last}}' },
          },
        ],
        ['start->ask', 'ask->add', 'add->ask'],
        [
          { name: 'trail', type: 'string', scope: 'conversation', default: '' },
          { name: 'last', type: 'string', scope: 'conversation' },
        ],
      ),
    );
    const harness = h;
    const id = await h.say('go');
    const texts = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await Promise.all(texts.map((value) => harness.say(value)));
    const transcript = await h.transcript(id);
    const echoes = transcript.filter((line) => line.startsWith('< ')).slice(1);
    expect(echoes).toHaveLength(50);
    const processed = (echoes.at(-1) ?? '').slice('< seen:|'.length).split('|');
    expect([...processed].sort()).toEqual([...texts].sort());
    // The k-th reply saw exactly the k answers before it, in the order they were handled.
    echoes.forEach((echo, k) => {
      expect(echo).toBe(`< seen:|${processed.slice(0, k + 1).join('|')}`);
    });
    // SQLite runs whole requests one after another, so each reply directly follows its own
    // message. On PostgreSQL the inbound INSERT takes its id before the turn waits for the
    // conversation lock, so stored ids need not follow the order turns were handled in.
    if (dialect !== 'sqlite') return;
    const pairs = transcript.slice(2);
    for (let k = 0; k < 50; k++) {
      expect(pairs[2 * k]).toBe(`> ${processed[k] ?? ''}`);
    }
  });
});
