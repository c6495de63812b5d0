import { messageContentSchema, type MessageContent } from '@parley/protocol';
import { FakeGraphApi, metaSignature } from '../../testing/fakes/messenger.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { inTransaction } from '../../storage/transaction.js';

export const PAGE_ID = '104857600000001';
export const IG_ID = '17841400000000002';
export const APP_SECRET = 'meta-app-secret';
export const SECRETS = {
  page_access_token: 'page-token',
  app_secret: APP_SECRET,
  verify_token: 'my-verify-token',
};

/**
 * A test app wired to a fake Graph API, a Messenger and an Instagram channel connected
 * through the native API as an admin would, and helpers for webhooks and their results.
 */
export async function messengerHarness(dialect: DialectName) {
  const graph = await FakeGraphApi.start();
  const t: TestApp = await createTestApp(dialect, {
    PARLEY_MESSENGER_API_URL: graph.url,
    PARLEY_JOB_BACKOFF_MS: '20',
  });
  const connect = async (type: 'messenger' | 'instagram', externalId: string) => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: bearer(t.first.accountToken),
      payload: { type, provider: type, name: type, external_id: externalId, secrets: SECRETS },
    });
    if (created.statusCode !== 201) throw new Error(created.body);
    return created.json<{ id: number; public_key: string }>();
  };
  const messenger = await connect('messenger', PAGE_ID);
  const instagram = await connect('instagram', IG_ID);
  await t.runtime.startWorkers();
  const { db } = t.runtime.database;

  return {
    t,
    graph,
    messenger,
    instagram,
    /** POSTs a webhook body, signed with the app secret unless told otherwise. */
    post(key: string, body: string, signature: string | null = metaSignature(APP_SECRET, body)) {
      return t.app.inject({
        method: 'POST',
        url: `/webhooks/channels/${key}`,
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
        },
        payload: body,
      });
    },
    async messages(channelId: number) {
      const rows = await db
        .selectFrom('messages')
        .select([
          'id',
          'conversation_id',
          'direction',
          'status',
          'failure_reason',
          'provider_message_id',
          'content',
        ])
        .where('channel_id', '=', channelId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        ...row,
        content: messageContentSchema.parse(JSON.parse(row.content)),
      }));
    },
    /** A bot reply in the channel's latest conversation (queued with its send job). */
    async reply(channelId: number, content: MessageContent) {
      const latest = await db
        .selectFrom('conversations')
        .select('public_id')
        .where('channel_id', '=', channelId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const conversation = await t.runtime.services.conversations.get(
        t.first.account.id,
        latest.public_id,
      );
      return inTransaction(db, (unit) =>
        t.runtime.services.messages.addOutbound(unit, conversation, {
          content,
          senderType: 'bot',
        }),
      );
    },
    async statusOf(messageId: number) {
      const row = await db
        .selectFrom('messages')
        .select(['status', 'failure_reason', 'provider_message_id'])
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      return row;
    },
    async close() {
      await t.close();
      await graph.close();
    },
  };
}
