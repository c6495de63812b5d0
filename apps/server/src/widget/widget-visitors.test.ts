import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { DIALECTS } from '../testing/test-databases.js';
import { VisitorTokens } from './visitor-token.js';
import { WidgetChannels } from './widget-visitors.js';
import { greeter, webBot } from './widget-test-fixture.js';

describe.each(DIALECTS)('WidgetChannels on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('gives visitors arriving at the same moment on a new bot one web channel', async () => {
    const { botKey } = await webBot(t, greeter('Hello'));
    const tokens = new VisitorTokens(randomBytes(32));
    const widgets = new WidgetChannels(t.runtime.context, t.runtime.services.channels, tokens);
    // The first visits create the bot's channel: at once, each used to create its own.
    const found = await Promise.all(Array.from({ length: 8 }, () => widgets.channelOf({ botKey })));
    const ids = new Set(found.map(({ channel }) => channel.id));
    expect(ids.size).toBe(1);
    const channels = await t.runtime.database.db
      .selectFrom('channels')
      .select('id')
      .where('provider', '=', 'web')
      .execute();
    expect(channels.map((channel) => channel.id)).toEqual([...ids]);
  });
});
