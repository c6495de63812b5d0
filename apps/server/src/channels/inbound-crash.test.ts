import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flow } from '../core/bots/bot-runner-harness.js';
import { FakeWhatsAppCloud } from '../testing/fakes/whatsapp-cloud.js';
import {
  BUSINESS_NUMBER,
  inboundMessage,
  PHONE_NUMBER_ID,
  signed,
  text,
  WABA_ID,
} from '../testing/fakes/whatsapp-webhooks.js';
import type { ParleyProcess } from '../testing/parley-process.js';
import { processFixtures } from '../testing/process-fixtures.js';
import { STACKS } from '../testing/test-databases.js';
import { sleep, waitFor } from '../testing/wait-for.js';
import { APP_SECRET, CLOUD_SECRETS } from './whatsapp-cloud/cloud-harness.js';

const { track, start, stackEnv } = processFixtures('inbound-crash');

const ADA = '447700900123';
const GREETING = 'Hello from the bot';
// Known up front so the test needs not scrape the first-run banner for the account token.
const TOKEN = 'inbound-crash-token-0123456789';

const greeter = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'hello', type: 'message', data: { text: GREETING } },
  ],
  ['start->hello'],
);

const created = z.object({ id: z.number() });
const setup = z.object({ webhook_url: z.string() });
const conversationPage = z.object({ conversations: z.array(z.object({ id: z.string() })) });
const messagePage = z.object({
  messages: z.array(
    z.object({
      direction: z.enum(['inbound', 'outbound']),
      text: z.string(),
      status: z.string(),
    }),
  ),
});
const textSend = z.object({
  to: z.string(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
});

/**
 * What both processes share: one data directory (the SQLite file and the secret key that
 * opens the channel's encrypted secrets) and, on the scale-out stacks, one PostgreSQL
 * database and one Redis prefix.
 */

/** A request that must succeed, parsed with `schema`. */
async function ok<T>(
  schema: z.ZodType<T>,
  parley: ParleyProcess,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<T> {
  const response = await fetch(`${parley.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const body = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${body}`);
  return schema.parse(JSON.parse(body));
}

describe.each(STACKS)('an inbound webhook across a crash on $name', (stack) => {
  it('is answered by the bot exactly once after the process that accepted it was killed', async () => {
    const fake = await FakeWhatsAppCloud.start();
    track(() => fake.close());
    /** The bot's texts the fake Cloud API accepted for Ada. */
    const repliesToAda = () =>
      fake
        .payloads()
        .map((payload) => textSend.parse(payload))
        .filter((send) => send.to === ADA)
        .map((send) => send.text?.body);

    const env = {
      ...(await stackEnv(stack, TOKEN)),
      PARLEY_WHATSAPP_API_URL: fake.url,
      // The fake listens on loopback, which the SSRF guard refuses otherwise.
      PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    // HTTP only: A verifies, stores and acknowledges webhooks but runs no job, so whatever
    // reaches the fake API later can only come from what A committed before it died.
    const a = await start({ ...env, PARLEY_RUN_WORKERS: 'false' });

    const channel = await ok(created, a, 'POST', '/api/native/channels', {
      type: 'whatsapp',
      provider: 'whatsapp_cloud',
      name: 'WhatsApp',
      phone_number: `+${BUSINESS_NUMBER}`,
      external_id: PHONE_NUMBER_ID,
      config: { waba_id: WABA_ID },
      secrets: CLOUD_SECRETS,
    });
    const bot = await ok(created, a, 'POST', '/v1/bot', { name: 'Greeter', channel: 'WHATSAPP' });
    await ok(z.unknown(), a, 'POST', `/v1/bots/${bot.id}/deploy`, {
      flow_diagram: JSON.stringify(greeter),
    });
    const { webhook_url: webhookUrl } = await ok(
      setup,
      a,
      'GET',
      `/api/native/channels/${channel.id}/setup`,
    );

    const { body, headers } = signed(APP_SECRET, inboundMessage(ADA, text('Hi'), { name: 'Ada' }));
    const accepted = await fetch(`${a.url}${new URL(webhookUrl).pathname}`, {
      method: 'POST',
      headers,
      body,
    });
    expect(accepted.status).toBe(200);
    // No graceful shutdown: nothing A held only in memory survives this.
    await a.kill('SIGKILL');
    expect(fake.requests).toEqual([]);

    const b = await start(env);
    await waitFor(() => repliesToAda().length > 0, 20_000, "the bot's reply after the restart");
    // Long enough for a second run of the webhook or of the send job to show up.
    await sleep(2_000);
    expect(repliesToAda()).toEqual([GREETING]);

    const { conversations } = await ok(
      conversationPage,
      b,
      'GET',
      `/api/native/conversations?channel_id=${channel.id}&status=open,pending,closed`,
    );
    expect(conversations).toHaveLength(1);
    const { messages } = await ok(
      messagePage,
      b,
      'GET',
      `/api/native/conversations/${conversations[0]?.id ?? ''}/messages`,
    );
    // Newest first. The reply is recorded as sent: its send job finished and will not rerun.
    expect(messages).toEqual([
      { direction: 'outbound', text: GREETING, status: 'sent' },
      { direction: 'inbound', text: 'Hi', status: 'received' },
    ]);
  }, 60_000);
});
