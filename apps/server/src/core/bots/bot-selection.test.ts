import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../testing/test-databases.js';
import { botHarness, flow } from './bot-runner-harness.js';

type Harness = Awaited<ReturnType<typeof botHarness>>;

const greeter = (text: string, keywords: string[] = []) =>
  flow(
    [
      { id: 'start', type: 'start', data: { keywords } },
      { id: 'say', type: 'message', data: { text } },
    ],
    ['start->say'],
  );

describe.each(DIALECTS)('choosing the bot for a new conversation on %s', (dialect) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.t.close();
    h = undefined;
  });

  it('takes the first bot by priority whose trigger accepts the message', async () => {
    h = await botHarness(dialect);
    const orders = await h.deploy(greeter('Orders bot here', ['order', 'tracking number']));
    const fallback = await h.deploy(greeter('General bot here'));
    const db = h.t.runtime.database.db;
    // Lower priority numbers come first: the keyword bot before the catch-all.
    await db.updateTable('bots').set({ priority: 1 }).where('id', '=', orders).execute();
    await db.updateTable('bots').set({ priority: 2 }).where('id', '=', fallback).execute();

    const order = await h.say('Where is my order?', '+14155550161');
    expect(await h.transcript(order)).toEqual(['> Where is my order?', '< Orders bot here']);
    const hello = await h.say('hello there', '+14155550162');
    expect(await h.transcript(hello)).toEqual(['> hello there', '< General bot here']);
    const phrase = await h.say('my tracking number is 42', '+14155550163');
    expect((await h.transcript(phrase)).at(-1)).toBe('< Orders bot here');
  });

  it('answers from the first message after a deploy, and stops when the bot is turned off', async () => {
    h = await botHarness(dialect);
    // No bot yet: the account's "no bot serves SMS" is kept in memory…
    const before = await h.say('anyone?', '+14155550171');
    expect(await h.transcript(before)).toEqual(['> anyone?']);
    // …and forgotten by the deploy, and by turning the bot off.
    const bot = await h.deploy(greeter('Bot here'));
    const after = await h.say('hello', '+14155550172');
    expect(await h.transcript(after)).toEqual(['> hello', '< Bot here']);
    const off = await h.t.app.inject({
      method: 'PATCH',
      url: `/api/native/bots/${bot}`,
      headers: h.admin,
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    const later = await h.say('hello again', '+14155550173');
    expect(await h.transcript(later)).toEqual(['> hello again']);
  });

  it('leaves the conversation to the agents when no bot accepts it', async () => {
    h = await botHarness(dialect);
    await h.deploy(greeter('Orders bot here', ['order']));
    const id = await h.say('hi');
    expect(await h.transcript(id)).toEqual(['> hi']);
    expect(await h.conversation(id)).toMatchObject({ assigned_to_bot: 0, status: 'open' });
  });
});
