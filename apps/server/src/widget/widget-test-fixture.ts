import { flow } from '../core/bots/bot-runner-harness.js';
import { BotsService } from '../core/bots/bots-service.js';
import type { TestApp } from '../testing/test-app.js';

/** A bot published on the web; resolves to its keys and id. */
export async function webBot(
  t: TestApp,
  document: unknown,
  title = 'Web bot',
): Promise<{ id: number; botKey: string; previewKey: string }> {
  const bots = new BotsService(t.runtime.context);
  const accountId = t.first.account.id;
  const bot = await bots.create(accountId, {
    title,
    channelTypes: ['WEB'],
    ownerUserId: t.first.admin.id,
  });
  await bots.deploy(accountId, bot.id, document, t.first.admin.id);
  return { id: bot.id, botKey: bot.bot_key, previewKey: bot.preview_key };
}

/** A flow that greets with `text` and then echoes every message. */
export function greeter(text: string) {
  return flow(
    [
      { id: 'start', type: 'start' },
      { id: 'hi', type: 'message', data: { text } },
      {
        id: 'ask',
        type: 'input',
        data: { prompt: 'Say something', kind: 'text', variable: 'said' },
      },
      { id: 'echo', type: 'message', data: { text: 'You said {{said}}' } },
      { id: 'end', type: 'end' },
    ],
    ['start->hi', 'hi->ask', 'ask->echo', 'echo->end'],
    [{ name: 'said', type: 'string', scope: 'conversation' }],
  );
}
