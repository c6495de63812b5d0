import { z } from 'zod';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { FakeWhatsAppCloud } from '../../testing/fakes/whatsapp-cloud.js';
import {
  BUSINESS_NUMBER,
  PHONE_NUMBER_ID,
  signed,
  WABA_ID,
} from '../../testing/fakes/whatsapp-webhooks.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';

export const APP_SECRET = 'meta-app-secret';
export const CLOUD_SECRETS = {
  access_token: 'test-access-token',
  app_secret: APP_SECRET,
  verify_token: 'my-verify-token',
};

const messageRow = z.object({
  direction: z.string(),
  status: z.string(),
  failure_reason: z.string().nullable(),
  provider_message_id: z.string().nullable(),
  content: z.string(),
});

/**
 * A test app wired to a fake Cloud API, with a WhatsApp Cloud channel connected through the
 * native API as an admin would, and helpers to post signed webhooks and read the results.
 */
export async function cloudHarness(dialect: DialectName, options: { listen?: boolean } = {}) {
  const fake = await FakeWhatsAppCloud.start();
  const t: TestApp = await createTestApp(
    dialect,
    {
      PARLEY_WHATSAPP_API_URL: fake.url,
      PARLEY_D360_API_URL: fake.d360Url,
      PARLEY_JOB_BACKOFF_MS: '50',
    },
    { listen: options.listen ?? false },
  );
  const admin = bearer(t.first.accountToken);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/native/channels',
    headers: admin,
    payload: {
      type: 'whatsapp',
      provider: 'whatsapp_cloud',
      name: 'WhatsApp',
      phone_number: `+${BUSINESS_NUMBER}`,
      external_id: PHONE_NUMBER_ID,
      config: { waba_id: WABA_ID },
      secrets: CLOUD_SECRETS,
    },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const channelId = created.json<{ id: number }>().id;
  const setup = await t.app.inject({
    method: 'GET',
    url: `/api/native/channels/${String(channelId)}/setup`,
    headers: admin,
  });
  const { webhook_url, verify_token } = setup.json<{
    webhook_url: string;
    verify_token: string | null;
  }>();
  const webhookPath = new URL(webhook_url).pathname;
  const db = t.runtime.database.db;

  return {
    t,
    fake,
    admin,
    channelId,
    webhookUrl: webhook_url,
    webhookPath,
    verifyToken: verify_token,
    db,
    /** POSTs a webhook signed with the app secret (or another secret). */
    deliver(payload: unknown, secret = APP_SECRET) {
      const { body, headers } = signed(secret, payload);
      return t.app.inject({ method: 'POST', url: webhookPath, headers, payload: body });
    },
    /** The channel's messages, oldest first. */
    async messages() {
      const rows = await db
        .selectFrom('messages')
        .select(['direction', 'status', 'failure_reason', 'provider_message_id', 'content'])
        .where('channel_id', '=', channelId)
        .orderBy('id')
        .execute();
      return rows.map((row) => {
        const parsed = messageRow.parse(row);
        return { ...parsed, content: z.unknown().parse(JSON.parse(parsed.content)) };
      });
    },
    async inboundJobs(): Promise<number> {
      const rows = await db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', 'channel.inbound')
        .execute();
      return rows.length;
    },
    async conversationId(): Promise<string> {
      const row = await db
        .selectFrom('conversations')
        .select('public_id')
        .where('channel_id', '=', channelId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      return row.public_id;
    },
    async close() {
      await t.close();
      await fake.close();
    },
  };
}

export type CloudHarness = Awaited<ReturnType<typeof cloudHarness>>;
