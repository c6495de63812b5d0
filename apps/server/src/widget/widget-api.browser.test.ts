import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flow } from '../core/bots/bot-runner-harness.js';
import { screenshotPath } from '../testing/browser.js';
import {
  embedTag,
  page,
  visit,
  widget,
  widgetWorld,
  type WidgetWorld,
} from './widget-browser-fixture.js';
import { greeter, webBot } from './widget-test-fixture.js';

/** A flow whose Javascript block reports back to the host page through the bridge. */
const scripted = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'hi', type: 'message', data: { text: 'Hello {{contact.name}}, plan {{contact.plan}}' } },
    {
      id: 'js',
      type: 'javascript',
      data: { code: "window.__fromFlow = typeof Parley.open === 'function' ? 'bridged' : 'no'" },
    },
    {
      id: 'ask',
      type: 'input',
      data: { prompt: 'Anything else?', kind: 'text', variable: 'said' },
    },
    { id: 'echo', type: 'message', data: { text: 'You said {{said}}' } },
    { id: 'end', type: 'end' },
  ],
  ['start->hi', 'hi->js', 'js->ask', 'ask->echo', 'echo->end'],
  [{ name: 'said', type: 'string', scope: 'conversation' }],
);

describe('the widget JS API, preview page and long-polling (Chromium)', () => {
  let world: WidgetWorld;
  let scriptedKey = '';
  let otherKey = '';
  let preview = { id: 0, botKey: '', previewKey: '' };
  beforeAll(async () => {
    world = await widgetWorld(async ({ parley, t }) => {
      scriptedKey = (await webBot(t, scripted, 'Scripted')).botKey;
      otherKey = (await webBot(t, greeter('Polled hello'), 'Other')).botKey;
      preview = await webBot(t, greeter('Live hello'), 'Previewed');
      await t.runtime.database.db
        .updateTable('bots')
        .set({ draft_flow: JSON.stringify(greeter('Draft hello')) })
        .where('id', '=', preview.id)
        .execute();
      return {
        // The page queues calls before the script has loaded, the usual snippet pattern.
        '/api': page(
          `<script>window.Parley = { q: [['setVariables', { plan: 'gold' }], ['identify', { name: 'Grace', email: 'grace@example.com' }]] };
         window.__events = [];
         ['open', 'close', 'message'].forEach(function (name) {
           window.addEventListener('parley:' + name, function () { window.__events.push(name); });
         });</script>
         <script src="${parley}/widget.js" data-bot-key="${scriptedKey}" async></script>`,
        ),
        '/polling': page(
          `<script src="${parley}/widget.js" data-bot-key="${otherKey}" data-transport="polling" async></script>`,
        ),
        '/live': page(embedTag(parley, preview.botKey)),
      };
    });
  }, 60_000);
  afterAll(async () => {
    await world.close();
  });

  const open = (path: string) => visit(world.browser, `${world.host}${path}`);

  it('replays queued calls, opens, closes and toggles, runs the flow Javascript through the bridge, and emits events', async () => {
    const { context, page: on, errors } = await open('/api');
    const w = widget(on);
    await w.launcher.waitFor();
    await on.evaluate('window.Parley.open()');
    await w.sees('Hello Grace, plan gold');
    await expect.poll(() => on.evaluate('window.__fromFlow')).toBe('bridged');
    await on.evaluate('window.Parley.close()');
    await w.panel.waitFor({ state: 'hidden' });
    await on.evaluate('window.Parley.toggle()');
    await w.panel.waitFor();
    // Parley.on() sees every new message; the window events mirror it for analytics.
    await on.evaluate(
      "window.__seen = []; window.Parley.on('message', function (m) { window.__seen.push(m.content.text || m.content.type); })",
    );
    await w.say('just browsing');
    await w.sees('You said just browsing');
    await expect
      .poll(() => on.evaluate('window.__seen.includes("You said just browsing")'))
      .toBe(true);
    const events = await on.evaluate('window.__events.join(",")');
    expect(events).toMatch(/^open,.*close,open/);
    const contact = await world.t.runtime.database.db
      .selectFrom('contacts')
      .select(['name', 'email', 'variables'])
      .where('email', '=', 'grace@example.com')
      .executeTakeFirstOrThrow();
    expect(contact.name).toBe('Grace');
    expect(JSON.parse(contact.variables)).toMatchObject({ plan: 'gold' });
    // startBot: the same widget now talks to another bot.
    await on.evaluate(`window.Parley.startBot(${JSON.stringify(otherKey)})`);
    await w.sees('Polled hello');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('works over long-polling when WebSockets are not used', async () => {
    const { context, page: on } = await open('/polling');
    const sockets: string[] = [];
    on.on('websocket', (socket) => sockets.push(socket.url()));
    const w = widget(on);
    await w.launcher.click();
    await w.sees('Polled hello');
    await w.say('over http');
    await w.sees('You said over http');
    expect(sockets).toEqual([]);
    await context.close();
  }, 60_000);

  it("runs the bot's draft on the preview page, with the debugger panel and restart, while the embed runs the deployed flow", async () => {
    const {
      context,
      page: on,
      errors,
    } = await visit(world.browser, `${world.t.url}/preview/${preview.previewKey}`);
    const w = widget(on);
    await w.sees('Draft hello');
    await w.say('testing the draft');
    await w.sees('You said testing the draft');
    await expect
      .poll(() => on.getByTestId('debug-log').textContent(), { timeout: 10_000 })
      .toContain('echo');
    await expect
      .poll(() => on.getByTestId('debug-variables').textContent())
      .toContain('testing the draft');
    await on.screenshot({ path: screenshotPath('widget-preview') });
    await on.getByRole('button', { name: 'Restart' }).click();
    await expect.poll(() => w.log.getByText('Draft hello').count()).toBe(1);
    await expect.poll(() => w.log.getByText('testing the draft').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();

    const live = await open('/live');
    const embedded = widget(live.page);
    await embedded.launcher.click();
    await embedded.sees('Live hello');
    expect(await embedded.log.getByText('Draft hello').count()).toBe(0);
    await live.context.close();
  }, 60_000);
});
