import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath } from '../testing/browser.js';
import {
  embedTag,
  hasFocus,
  HOSTILE_CSS,
  page,
  styleOf,
  visit,
  widget,
  widgetWorld,
  type WidgetWorld,
} from './widget-browser-fixture.js';

describe('the widget embedded on a hostile page (Chromium)', () => {
  let world: WidgetWorld;
  beforeAll(async () => {
    world = await widgetWorld(({ parley, leadKey, tourKey }) => ({
      '/styled': page(`<h1>Styled</h1>${embedTag(parley, tourKey)}`),
      '/hostile': page(
        `<h1 id="own">Acme Inc.</h1><p id="para">Our own content, with our own (terrible) CSS.</p>
         <div id="box">A host div</div>${embedTag(parley, leadKey)}`,
        HOSTILE_CSS,
      ),
    }));
  }, 60_000);
  afterAll(async () => {
    await world.close();
  });

  it('renders untouched by the page CSS, leaves the page untouched, and opens and closes', async () => {
    const { context, page: on, errors } = await visit(world.browser, `${world.host}/hostile`);
    const w = widget(on);
    await w.launcher.waitFor();
    // The page's own styles still apply to the page: the widget adds no global CSS.
    expect(await styleOf(on.locator('#para'), 'font-size')).toBe('40px');
    expect(await on.locator('head style, head link[rel=stylesheet]').count()).toBe(1);
    // ...and none of it reaches inside the widget.
    const box = await w.launcher.boundingBox();
    expect(box).not.toBeNull();
    expect(box?.width).toBeLessThan(100);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeGreaterThan(1_280 - 60);
    await on.screenshot({ path: screenshotPath('widget-closed-desktop') });

    await w.launcher.click();
    await w.panel.waitFor();
    await w.sees("First, what's your name?");
    expect(await styleOf(w.input, 'font-size')).not.toBe('40px');
    expect(await styleOf(w.input, 'color')).not.toBe('rgb(255, 0, 0)');
    expect((await w.input.boundingBox())?.width).toBeGreaterThan(150);
    await on.screenshot({ path: screenshotPath('widget-open-desktop') });

    // Keyboard: Escape closes and gives focus back to the launcher.
    await on.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    expect(await hasFocus(w.launcher)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a 360 px wide phone screen', async () => {
    const { context, page: on } = await visit(world.browser, `${world.host}/hostile`, {
      width: 360,
      height: 740,
    });
    const w = widget(on);
    await w.launcher.click();
    await w.sees("First, what's your name?");
    const panel = await w.panel.boundingBox();
    expect(panel?.width).toBe(360);
    expect(await on.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await on.screenshot({ path: screenshotPath('widget-open-360') });
    await context.close();
  });

  it("shows the channel's appearance (colours, position, title, pop-up) and previews changes live", async () => {
    // The channel of a bot's widget exists from its first visit; then its owner styles it.
    await visit(world.browser, `${world.host}/styled`).then(({ context }) => context.close());
    const channel = await world.t.runtime.database.db
      .selectFrom('channels')
      .select('id')
      .where('external_id', '=', world.tourKey)
      .executeTakeFirstOrThrow();
    const saved = await world.t.app.inject({
      method: 'PUT',
      url: `/api/native/channels/${String(channel.id)}/widget`,
      headers: {
        authorization: `Bearer ${world.t.first.accountToken}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify({
        appearance: {
          title: 'Acme help',
          primaryColor: '#16a34a',
          position: 'left',
          popups: [{ text: 'Questions about pricing?', delaySeconds: 0 }],
        },
      }),
    });
    expect(saved.statusCode).toBe(200);

    const { context, page: on } = await visit(world.browser, `${world.host}/styled`);
    const w = widget(on);
    await w.root.getByText('Questions about pricing?').waitFor();
    const background = () => styleOf(w.launcher, 'background-color');
    expect(await background()).toBe('rgb(22, 163, 74)');
    expect((await w.launcher.boundingBox())?.x).toBeLessThan(100);
    await on.screenshot({ path: screenshotPath('widget-popup-left') });
    await w.launcher.click();
    await w.panel.getByText('Acme help').waitFor();
    await on.evaluate("window.Parley.setAppearance({ primaryColor: '#dc2626' })");
    await expect.poll(background).toBe('rgb(220, 38, 38)');
    await context.close();
  });
});
