import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import type { FakeTelegram, TelegramUser } from '../../testing/fakes/telegram.js';
import { injectTransport } from '../../testing/fakes/webhook-transport.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { waitFor } from '../../testing/wait-for.js';

/** What the Telegram tests share: an app wired to a fake Bot API, a channel, reads. */

export const PUBLIC_URL = 'https://parley.example';
export const SECRET_TOKEN = 'parley-webhook_secret-0123';
export const ADA: TelegramUser = { id: 424_242_424, first_name: 'Ada', last_name: 'Lovelace' };

const created = z.object({ id: z.number(), public_key: z.string() });

export async function telegramHarness(dialect: DialectName, fake: FakeTelegram) {
  const t: TestApp = await createTestApp(dialect, {
    PARLEY_TELEGRAM_API_URL: fake.url,
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    PUBLIC_URL,
    PARLEY_JOB_BACKOFF_MS: '20',
  });
  fake.transport = injectTransport(t.app);
  const admin = bearer(t.first.accountToken);
  const db = t.runtime.database.db;

  return {
    t,
    admin,
    db,
    /** Connects a Telegram channel; `register` also calls setWebhook through the native API. */
    async channel(secrets: Record<string, string> = {}, register = true) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/native/channels',
        headers: admin,
        payload: {
          type: 'telegram',
          provider: 'telegram',
          name: 'Telegram',
          external_id: 'parley_bot',
          secrets: { bot_token: fake.token, secret_token: SECRET_TOKEN, ...secrets },
        },
      });
      if (response.statusCode !== 201) throw new Error(response.body);
      const { id, public_key } = created.parse(response.json());
      if (register) {
        const registered = await t.app.inject({
          method: 'POST',
          url: `/api/native/channels/${String(id)}/register-webhook`,
          headers: admin,
        });
        if (registered.statusCode !== 200) throw new Error(registered.body);
      }
      return { id, webhookUrl: `${PUBLIC_URL}/webhooks/channels/${public_key}` };
    },
    async messages() {
      return (await db.selectFrom('messages').selectAll().orderBy('id').execute()).map((row) => ({
        ...row,
        content: messageContentSchema.parse(JSON.parse(row.content)),
      }));
    },
    async settled(): Promise<void> {
      await waitFor(
        async () =>
          (
            await db
              .selectFrom('jobs')
              .select('id')
              .where('status', 'in', ['queued', 'running'])
              .execute()
          ).length === 0,
        10_000,
        'the job queue to drain',
      );
    },
    async waitForStatus(publicId: string, status: string): Promise<void> {
      await waitFor(
        async () =>
          (
            await db
              .selectFrom('messages')
              .select('status')
              .where('public_id', '=', publicId)
              .executeTakeFirstOrThrow()
          ).status === status,
        10_000,
        `message ${publicId} to be ${status}`,
      );
    },
    async message(publicId: string) {
      return db
        .selectFrom('messages')
        .selectAll()
        .where('public_id', '=', publicId)
        .executeTakeFirstOrThrow();
    },
  };
}
