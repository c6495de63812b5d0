import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

describe.each(DIALECTS)('opening conversations on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('opens one conversation for messages arriving at once after the last one closed', async () => {
    const { admin, whatsapp } = await conversationFixture(t);
    const inbound = (from: string, text: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/native/channels/${String(whatsapp)}/sandbox/inbound`,
        headers: admin,
        payload: { from, content: { type: 'text', text } },
      });
    const from = '+14155550300';
    expect((await inbound(from, 'first')).statusCode).toBe(200);
    const db = t.runtime.database.db;
    const conversationsOfContact = () =>
      db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select(['conversations.id', 'conversations.status'])
        .where('contacts.phone', '=', from)
        .orderBy('conversations.id')
        .execute();
    const [first] = await conversationsOfContact();
    await db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('id', '=', first?.id ?? 0)
      .execute();
    const settings = await t.app.inject({
      method: 'PUT',
      url: '/api/native/account/settings',
      headers: admin,
      payload: { reopenOnInbound: false },
    });
    expect(settings.statusCode).toBe(200);
    // Other contacts first: the pool's connections are open, so the eight run side by side.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => inbound(`+1415555020${String(i)}`, 'hi')),
    );

    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => inbound(from, `again ${String(i)}`)),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    const after = await conversationsOfContact();
    expect(after.map((conversation) => conversation.status)).toEqual(['closed', 'open']);
    const messages = await db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', after[1]?.id ?? 0)
      .execute();
    expect(messages).toHaveLength(8);
  });
});
