import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import type { FakeTwilio } from '../../testing/fakes/twilio.js';
import { injectTransport } from '../../testing/fakes/webhook-transport.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { waitFor } from '../../testing/wait-for.js';

/** What the Twilio tests share: an app wired to a fake Twilio, channels, message reads. */

export const PUBLIC_URL = 'https://parley.example';
export const SMS_NUMBER = '+14155550100';
export const WHATSAPP_NUMBER = '+14155238886';
export const CONTACT = '+14155550123';

const created = z.object({ id: z.number(), public_key: z.string() });

export async function twilioHarness(dialect: DialectName, fake: FakeTwilio) {
  const t: TestApp = await createTestApp(dialect, {
    PARLEY_TWILIO_API_URL: fake.url,
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    PUBLIC_URL,
    PARLEY_JOB_BACKOFF_MS: '20',
  });
  fake.transport = injectTransport(t.app);
  const admin = bearer(t.first.accountToken);
  const db = t.runtime.database.db;

  const channel = async (type: 'sms' | 'whatsapp', phone: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: admin,
      payload: {
        type,
        provider: 'twilio',
        name: type,
        phone_number: type === 'whatsapp' ? `whatsapp:${phone}` : phone,
        secrets: { account_sid: fake.accountSid, auth_token: fake.authToken },
      },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    const { id, public_key } = created.parse(response.json());
    return { id, webhookUrl: `${PUBLIC_URL}/webhooks/channels/${public_key}` };
  };

  const messages = async () =>
    (await db.selectFrom('messages').selectAll().orderBy('id').execute()).map((row) => ({
      ...row,
      content: messageContentSchema.parse(JSON.parse(row.content)),
    }));

  return {
    t,
    admin,
    db,
    channel,
    messages,
    /** Waits until the queue has applied everything (no job pending or running). */
    async settled(): Promise<void> {
      await waitFor(
        async () => {
          const pending = await db
            .selectFrom('jobs')
            .select('id')
            .where('status', 'in', ['queued', 'running'])
            .execute();
          return pending.length === 0;
        },
        10_000,
        'the job queue to drain',
      );
    },
    /** Sends a test message through the channel (the native "send a test message"). */
    async sendTest(channelId: number, text: string, to = CONTACT): Promise<string> {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/native/channels/${String(channelId)}/test`,
        headers: admin,
        payload: { to, text },
      });
      if (response.statusCode !== 202) throw new Error(response.body);
      return z.object({ message_id: z.string() }).parse(response.json()).message_id;
    },
    async message(publicId: string) {
      return db
        .selectFrom('messages')
        .selectAll()
        .where('public_id', '=', publicId)
        .executeTakeFirstOrThrow();
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
  };
}
