import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { BotChat } from './bot-chat.js';
import { flow } from './bot-runner-harness.js';
import { BotsService } from './bots-service.js';

const askName = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'name', type: 'input', data: { prompt: 'Your name?', variable: 'name' } },
    { id: 'thanks', type: 'message', data: { text: 'Thanks {{name}}' } },
  ],
  ['start->name', 'name->thanks'],
  [{ name: 'name', type: 'string', scope: 'conversation' }],
);

describe.each(DIALECTS)('BotChat on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A bot answering `askName` on the API channel; its bot_key. */
  const deploy = async (): Promise<string> => {
    const bots = new BotsService(t.runtime.context);
    const accountId = t.first.account.id;
    const ownerUserId = t.first.admin.id;
    const bot = await bots.create(accountId, { title: 'Bot', channelTypes: ['API'], ownerUserId });
    await bots.deploy(accountId, bot.id, askName, ownerUserId);
    return bot.bot_key;
  };

  it('gives people who start at the same moment on a new bot one channel between them', async () => {
    const key = await deploy();
    const chat = new BotChat(t.runtime.context, t.runtime.services);
    // The first calls on a new bot key create its channel: all of them at once used to
    // create one each, and a person's next turn then looked for them on another one.
    const people = await Promise.all(Array.from({ length: 8 }, () => chat.start(key, {})));
    const turns = await Promise.all(
      people.map((person) => chat.continue(key, person.userId, { type: 'text', text: 'Ann' })),
    );
    expect(turns.map((turn) => turn.messages.map((message) => message.content))).toEqual(
      people.map(() => [{ type: 'text', text: 'Thanks Ann' }]),
    );
    const channels = await t.runtime.database.db
      .selectFrom('channels')
      .select('id')
      .where('provider', '=', 'bot_chat')
      .execute();
    expect(channels).toHaveLength(1);
  });
});
