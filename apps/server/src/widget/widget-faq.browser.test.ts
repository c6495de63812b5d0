import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath } from '../testing/browser.js';
import { waitFor } from '../testing/wait-for.js';
import {
  embedTag,
  page,
  visit,
  widget,
  widgetWorld,
  type WidgetWorld,
} from './widget-browser-fixture.js';

describe('the FAQ assistant demo bot, on the demo knowledge base, in Chromium', () => {
  let world: WidgetWorld;
  beforeAll(async () => {
    world = await widgetWorld(({ parley, keys }) => ({
      '/': page(`<h1>Help</h1>${embedTag(parley, keys['FAQ assistant'] ?? '')}`),
    }));
  }, 60_000);
  afterAll(async () => {
    await world.close();
  });

  it('answers an FAQ with its source, and for an off-topic question says it does not know and offers a person', async () => {
    // The demo knowledge base trains in the background once the workers run.
    await world.t.runtime.startWorkers();
    await waitFor(
      async () => {
        const source = await world.t.runtime.database.db
          .selectFrom('kb_sources')
          .select('status')
          .where('name', '=', 'Parley FAQ')
          .executeTakeFirst();
        return source?.status === 'trained';
      },
      20_000,
      'the demo knowledge base to train',
    );
    const { context, page: on, errors } = await visit(world.browser, `${world.host}/`);
    const w = widget(on);
    await w.launcher.click();
    await w.sees("Hi! I'm Parley's FAQ assistant.");

    await w.say('Can I self-host Parley?');
    await w.sees('npm start', 20_000);
    await w.sees('Sources:');
    const answer = (await w.log.locator('[data-message-id]').last().textContent()) ?? '';
    expect(answer).toContain('Parley FAQ');

    await w.say('Who won the football world cup in 1998?');
    await w.sees("Sorry, I don't know the answer to that one.", 20_000);
    await w.log.getByRole('button', { name: 'Talk to a person' }).click();
    await w.sees('Connecting you to our Support team');
    await on.screenshot({ path: screenshotPath('widget-faq-assistant') });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
