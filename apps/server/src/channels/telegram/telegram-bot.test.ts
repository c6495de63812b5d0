import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../core/bots/bot-runner-harness.js';
import { FakeTelegram } from '../../testing/fakes/telegram.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { ADA, telegramHarness } from './telegram-test-harness.js';

type Harness = Awaited<ReturnType<typeof telegramHarness>>;

/** A bot that asks with two buttons and answers per button. */
const menuFlow = flow(
  [
    { id: 'start', type: 'start' },
    {
      id: 'topic',
      type: 'buttons',
      data: {
        prompt: 'How can we help, {{contact.name}}?',
        buttons: [
          { id: 'sales', title: 'Sales' },
          { id: 'support', title: 'Support' },
        ],
      },
    },
    { id: 'sales', type: 'message', data: { text: 'Sales will call you.' } },
    { id: 'support', type: 'message', data: { text: 'Support is on it.' } },
  ],
  ['start->topic', 'topic:button:sales->sales', 'topic:button:support->support'],
);

describe.each(DIALECTS)('Telegram bot end to end on %s', (dialect) => {
  let fake: FakeTelegram;
  let h: Harness;
  beforeAll(async () => {
    fake = await FakeTelegram.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.calls.length = 0;
    fake.sent.length = 0;
    h = await telegramHarness(dialect, fake);
  });
  afterEach(async () => {
    await h.t.close();
  });

  const post = async (url: string, payload: unknown) => {
    const response = await h.t.app.inject({
      method: 'POST',
      url,
      headers: { ...h.admin, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
    return response;
  };

  it('asks with an inline keyboard and continues on the tapped button', async () => {
    await h.channel();
    const bot = (await post('/v1/bot', { name: 'Menu', channel: 'TELEGRAM' })).json<{
      id: number;
    }>();
    await post(`/v1/bots/${String(bot.id)}/deploy`, { flow_diagram: JSON.stringify(menuFlow) });
    await h.t.runtime.startWorkers();

    expect((await fake.deliver(fake.message(ADA, { text: '/start' }))).status).toBe(200);
    await waitFor(() => fake.sent.length === 1, 10_000, 'the menu');
    const [menu] = fake.sent;
    if (menu === undefined) throw new Error('no menu');
    expect(menu).toMatchObject({
      chat: { id: ADA.id },
      // The contact is named from the Telegram user's first and last name.
      text: 'How can we help, Ada Lovelace?',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Sales', callback_data: 'sales' }],
          [{ text: 'Support', callback_data: 'support' }],
        ],
      },
    });

    await fake.deliver(fake.tap(ADA, menu, 'support'));
    await waitFor(() => fake.sent.length === 2, 10_000, 'the answer');
    expect(fake.sent[1]).toMatchObject({ chat: { id: ADA.id }, text: 'Support is on it.' });
    expect(fake.calls.map((call) => call.method)).toEqual([
      'setWebhook',
      'sendMessage',
      'answerCallbackQuery',
      'sendMessage',
    ]);
  });
});
