import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath } from '../testing/browser.js';
import { bearer } from '../testing/test-app.js';
import {
  embedTag,
  page,
  visit,
  widget,
  widgetWorld,
  type WidgetWorld,
} from './widget-browser-fixture.js';

/** A real (1×1) PNG, as a visitor's screenshot would be. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('the widget tour demo bot in Chromium', () => {
  let world: WidgetWorld;
  beforeAll(async () => {
    world = await widgetWorld(({ parley, tourKey }) => ({
      '/': page(`<h1>Tour</h1>${embedTag(parley, tourKey)}`),
    }));
  }, 60_000);
  afterAll(async () => {
    await world.close();
  });

  it('goes through every interactive block, retries a bad e-mail, uploads a file, survives a reload and hands over to an agent', async () => {
    const { context, page: on, errors } = await visit(world.browser, `${world.host}/`);
    const w = widget(on);
    const log = w.log;
    const message = (type: string) => log.locator(`[data-type="${type}"]`).last();

    await w.launcher.click();
    await w.sees("First, what's your name?");
    await w.say('Ada Lovelace');
    await w.sees("What's your email address?");

    // Validation: a bad answer gets the retry prompt, then a good one moves on.
    await w.say('not-an-email');
    await w.sees("That doesn't look like an email address");
    await w.say('ada@example.com');

    // Buttons.
    await w.sees('Pick a plan:');
    await message('buttons').getByRole('button', { name: 'Pro' }).click();
    // Quick replies.
    await w.sees('How did you hear about us?');
    await log
      .getByRole('group', { name: 'Quick replies' })
      .getByRole('button', { name: 'A friend' })
      .click();
    // List: opens a sheet, a row is picked.
    await w.sees('Which topic would you like to explore?');
    await message('list').getByRole('button', { name: 'Browse topics' }).click();
    await w.root
      .getByRole('dialog', { name: 'Browse topics' })
      .getByRole('button', { name: /Pricing/ })
      .click();
    // Carousel: the second card's button.
    await w.sees('Which channel would you start with?');
    const card = log.getByRole('group', { name: '2 of 3: WhatsApp' });
    await log.getByRole('button', { name: 'Next card' }).first().click();
    await card.getByRole('button', { name: 'WhatsApp' }).click();
    // Image gallery (shown), then the slider.
    await message('slider').waitFor();
    expect(await log.locator('[data-type="carousel"]').count()).toBeGreaterThanOrEqual(2);
    await message('slider').getByRole('slider').fill('8');
    await message('slider').getByRole('button', { name: 'Send' }).click();
    await w.sees('Which day would suit you for a demo call?');

    // A reload in the middle: the same conversation, each message once.
    const before = await log.locator('[data-message-id]').count();
    await on.reload();
    await w.launcher.click().catch(() => undefined);
    await w.sees('Which day would suit you for a demo call?');
    const ids = await Promise.all(
      (await log.locator('[data-message-id]').all()).map((node) =>
        node.getAttribute('data-message-id'),
      ),
    );
    expect(ids.length).toBe(before);
    expect(new Set(ids).size).toBe(ids.length);

    await on.evaluate(
      "window.__handovers = []; window.addEventListener('parley:handover', () => window.__handovers.push('handover'))",
    );
    // Date picker.
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await message('date_picker').locator('input').fill(day);
    await message('date_picker').getByRole('button', { name: 'Send' }).click();

    // Form: client-side validation first, then a valid submission.
    await w.sees('Confirm your details');
    const form = message('form');
    await form.getByLabel('Your name').fill('Ada Lovelace');
    await form.getByLabel('Email').fill('ada@');
    await form.getByLabel('Best time to reach you').selectOption('Morning');
    await form.getByRole('button', { name: 'Send details' }).click();
    await expect.poll(() => form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Email').fill('ada@example.com');
    await form.getByRole('button', { name: 'Send details' }).click();

    // File upload through the file request.
    await w.sees('Last step: attach an image or a PDF');
    await message('file_request')
      .locator('input[type=file]')
      .setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG });
    await w.sees('File: shot.png', 15_000);
    await w.sees('Score: 8/10');
    await w.sees('Connecting you to a person from our Support team');
    await on.screenshot({ path: screenshotPath('widget-tour-desktop') });

    // An agent answers through WotNot's API: the visitor sees it live.
    const conversation = await world.t.runtime.database.db
      .selectFrom('conversations')
      .innerJoin('channels', 'channels.id', 'conversations.channel_id')
      .select('conversations.public_id')
      .where('channels.external_id', '=', world.tourKey)
      .orderBy('conversations.id', 'desc')
      .executeTakeFirstOrThrow();
    const sent = await world.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversation/${conversation.public_id}/messages`,
      headers: { ...bearer(world.t.first.accountToken), 'content-type': 'application/json' },
      payload: JSON.stringify({
        message: { type: 'text', data: { body: 'Hi Ada, Priya here. How can I help?' } },
        user: { by: world.t.first.admin.email },
      }),
    });
    expect(sent.statusCode).toBe(200);
    await w.sees('Priya here. How can I help?');
    await expect.poll(() => on.evaluate('String(window.__handovers)')).toBe('handover');
    // The visitor can answer while the agent is there.
    await w.say('Thanks!');
    await expect
      .poll(async () => {
        const rows = await world.t.runtime.database.db
          .selectFrom('messages')
          .select('text')
          .where('direction', '=', 'inbound')
          .orderBy('id', 'desc')
          .limit(1)
          .execute();
        return rows[0]?.text;
      })
      .toBe('Thanks!');
    await on.screenshot({ path: screenshotPath('widget-handover-desktop') });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
