import { afterEach, describe, expect, it } from 'vitest';
import { botHarness, flow } from '../../core/bots/bot-runner-harness.js';
import { bearer } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

type Harness = Awaited<ReturnType<typeof botHarness>>;

describe.each(DIALECTS)('bot session debugger and global variables on %s', (dialect) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.t.close();
    h = undefined;
  });

  it('shows where the bot waits, its variables and step log; flows read and write globals', async () => {
    h = await botHarness(dialect);
    const admin = { ...bearer(h.t.first.accountToken), 'content-type': 'application/json' };
    const setGlobals = async (variables: Record<string, unknown>) => {
      const put = await h?.t.app.inject({
        method: 'PUT',
        url: '/api/native/account/settings',
        headers: admin,
        payload: JSON.stringify({ variables }),
      });
      expect(put?.statusCode).toBe(200);
    };
    await setGlobals({ company: 'Acme', visits: 1 });
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          {
            id: 'hi',
            type: 'message',
            data: { text: 'Welcome to {{global.company}} (visit {{global.visits}})' },
          },
          {
            id: 'count',
            type: 'set_variable',
            data: { variable: 'visits', value: '2', type: 'number' },
          },
          { id: 'ask', type: 'input', data: { prompt: 'Your name?', variable: 'name' } },
        ],
        ['start->hi', 'hi->count', 'count->ask'],
        [{ name: 'visits', type: 'number', scope: 'global' }],
      ),
    );
    const id = await h.say('hello');
    expect(await h.transcript(id)).toEqual([
      '> hello',
      '< Welcome to Acme (visit 1)',
      '< Your name?',
    ]);

    const response = await h.t.app.inject({
      method: 'GET',
      url: `/api/native/conversations/${id}/bot-session`,
      headers: admin,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      conversation_id: id,
      status: 'waiting',
      node_id: 'ask',
      variables: { visits: 2 },
      waiting_for: { timer_at: null, call_id: null },
      log: [
        { node_id: 'start', type: 'start', outcome: 'next' },
        { node_id: 'hi', type: 'message', outcome: 'next' },
        { node_id: 'count', type: 'set_variable', outcome: 'next' },
        { node_id: 'ask', type: 'input', outcome: 'asked' },
      ],
    });
    const settings = await h.t.app.inject({
      method: 'GET',
      url: '/api/native/account/settings',
      headers: admin,
    });
    expect(settings.json()).toMatchObject({ variables: { company: 'Acme', visits: 2 } });

    // Turns keep the settings in memory: the bot's own write and the API's are seen at once.
    const second = await h.say('hello', '+14155550161');
    expect((await h.transcript(second))[1]).toBe('< Welcome to Acme (visit 2)');
    await h.say('Bob', '+14155550161'); // a turn that reads the settings and writes none
    await setGlobals({ company: 'Globex', visits: 5 });
    const third = await h.say('hello', '+14155550162');
    expect((await h.transcript(third))[1]).toBe('< Welcome to Globex (visit 5)');

    const missing = await h.t.app.inject({
      method: 'GET',
      url: '/api/native/conversations/nope/bot-session',
      headers: admin,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('hands a handed-over conversation back to the bot; closing forgets the handover', async () => {
    h = await botHarness(dialect);
    const admin = { ...bearer(h.t.first.accountToken), 'content-type': 'application/json' };
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'hi', type: 'message', data: { text: 'Bot here' } },
          { id: 'human', type: 'handover', data: { message: 'Passing you to a human' } },
          { id: 'back', type: 'message', data: { text: 'The bot is back' } },
        ],
        ['start->hi', 'hi->human', 'human:handback->back'],
      ),
    );
    const handback = (id: string) =>
      h?.t.app.inject({
        method: 'POST',
        url: `/api/native/conversations/${id}/handback`,
        headers: admin,
      });
    const id = await h.say('hello');
    expect(await h.transcript(id)).toEqual(['> hello', '< Bot here', '< Passing you to a human']);
    await h.say('anyone?');
    expect((await h.transcript(id)).at(-1)).toBe('> anyone?');
    expect((await handback(id))?.statusCode).toBe(204);
    expect((await h.transcript(id)).at(-1)).toBe('< The bot is back');
    // The flow ended after "back": nothing left to hand back.
    expect((await handback(id))?.statusCode).toBe(400);

    const second = await h.say('hello again', '+14155550150');
    expect((await h.transcript(second)).at(-1)).toBe('< Passing you to a human');
    const close = await h.t.app.inject({
      method: 'POST',
      url: `/api/native/conversations/${second}/status`,
      headers: admin,
      payload: JSON.stringify({ status: 'closed' }),
    });
    expect(close.statusCode).toBeLessThan(300);
    const reopened = await h.say('I am back', '+14155550150');
    expect((await h.transcript(reopened)).slice(-3)).toEqual([
      '> I am back',
      '< Bot here',
      '< Passing you to a human',
    ]);
  });
});
