import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { installDemo } from '../core/bots/demo-setup.js';
import { freePort, hostSite, launchChromium } from '../testing/browser.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

/** Hostile page CSS: what a careless or malicious host site could do to an embedded widget. */
export const HOSTILE_CSS = `
  * { font-size: 40px !important; color: red !important; line-height: 5 !important;
      font-family: "Comic Sans MS", cursive !important; box-sizing: content-box !important; }
  div { padding: 50px !important; border: 5px solid lime !important; }
  button { display: none !important; }
  input, textarea { width: 10px !important; }
`;

export interface WidgetWorld {
  readonly t: TestApp;
  readonly browser: Browser;
  /** The host site's origin (another port than Parley's: a cross-origin embed). */
  readonly host: string;
  /** Widget tour demo bot and lead capture demo bot keys. */
  readonly tourKey: string;
  readonly leadKey: string;
  /** Every demo bot's key by its title ("FAQ assistant", …). */
  readonly keys: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** The embed tag, exactly as a site owner pastes it. */
export function embedTag(parley: string, botKey: string, extra = ''): string {
  return `<script src="${parley}/widget.js" data-bot-key="${botKey}" ${extra} async></script>`;
}

export function page(body: string, css = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host site</title>
<style>${css}</style></head><body>${body}</body></html>`;
}

/**
 * A Parley server on SQLite with the demo bots installed (listening on a port it knew in
 * advance, so media URLs point at it), a host site on another origin, and Chromium.
 */
export async function widgetWorld(
  pages: (world: {
    parley: string;
    tourKey: string;
    leadKey: string;
    keys: Readonly<Record<string, string>>;
    t: TestApp;
  }) => Record<string, string> | Promise<Record<string, string>>,
): Promise<WidgetWorld> {
  const port = await freePort();
  const parley = `http://127.0.0.1:${String(port)}`;
  const t = await createTestApp('sqlite', { PUBLIC_URL: parley }, { listen: true, port });
  const demo = await installDemo(
    t.runtime.context,
    t.runtime.services,
    t.first.account.id,
    t.first.admin.id,
  );
  const tour = demo.bots.find((bot) => bot.title === 'Widget tour');
  if (tour === undefined) throw new Error('the widget tour demo bot is missing');
  const keys = Object.fromEntries(demo.bots.map((bot) => [bot.title, bot.botKey]));
  const site = await hostSite(
    await pages({ parley, tourKey: tour.botKey, leadKey: demo.botKey, keys, t }),
  );
  const browser = await launchChromium();
  return {
    t,
    browser,
    host: site.url,
    tourKey: tour.botKey,
    leadKey: demo.botKey,
    keys,
    async close() {
      await browser.close();
      await site.close();
      await t.close();
    },
  };
}

/** A new page in its own browser context (own localStorage), failing on page errors. */
export async function visit(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const opened = await context.newPage();
  const errors: string[] = [];
  opened.on('pageerror', (error) => errors.push(error.message));
  await opened.goto(url);
  return { context, page: opened, errors };
}

/** The widget's own elements, found inside its shadow root (Playwright pierces open roots). */
export function widget(on: Page) {
  const root = on.locator('#parley-widget');
  return {
    root,
    launcher: root.getByTestId('launcher'),
    panel: root.getByTestId('panel'),
    log: root.getByTestId('log'),
    input: root.getByTestId('composer-input'),
    send: root.getByTestId('send'),
    close: root.getByTestId('close'),
    /** Types a message and sends it with Enter. */
    async say(text: string) {
      await root.getByTestId('composer-input').fill(text);
      await root.getByTestId('composer-input').press('Enter');
    },
    /** Waits until the log shows a text. */
    async sees(text: string, timeout = 10_000) {
      await root.getByTestId('log').getByText(text, { exact: false }).first().waitFor({ timeout });
    },
  };
}

/**
 * What the page-side helpers below use of a DOM node. This project is typed for Node (no DOM
 * library), so the browser-side callbacks declare the little they touch themselves.
 */
interface PageNode {
  readonly ownerDocument: {
    readonly defaultView: {
      getComputedStyle(node: PageNode): { getPropertyValue(name: string): string };
    } | null;
  };
  getRootNode(): { readonly activeElement?: unknown };
}

/** A computed style property of an element, read in the browser. */
export async function styleOf(element: Locator, property: string): Promise<string> {
  return element.evaluate(
    (node: PageNode, name: string) =>
      node.ownerDocument.defaultView?.getComputedStyle(node).getPropertyValue(name) ?? '',
    property,
  );
}

/** Whether the element has the focus within its (shadow) root. */
export async function hasFocus(element: Locator): Promise<boolean> {
  return element.evaluate((node: PageNode) => node.getRootNode().activeElement === node);
}
