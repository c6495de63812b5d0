import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueToken } from '../../core/tokens/tokens-service.js';
import { demoBots } from '../../engine/demo/demo.js';
import { bearer } from '../../testing/test-app.js';
import {
  buttonReply,
  inboundMessage,
  statusUpdate,
  text,
} from '../../testing/fakes/whatsapp-webhooks.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';
import { cloudHarness, type CloudHarness } from './cloud-harness.js';

const ADA = '447700900123';
const statusEvent = z.object({
  events: z.tuple([
    z.object({
      event: z.object({
        type: z.string(),
        payload: z.object({ message_id: z.string().optional(), status: z.string().optional() }),
      }),
    }),
  ]),
});

/**
 * The issue's "done when": the demo lead-capture bot deployed for WhatsApp answers a signed
 * Cloud API webhook, its reply buttons reach the fake API as an interactive message, a tap
 * continues the flow to the handover, an agent takes over and replies, and the statuses
 * Meta reports come back out as `message_status` event webhooks.
 */
describe.each(DIALECTS)('the demo bot on the fake WhatsApp Cloud API on %s', (dialect) => {
  let h: CloudHarness;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const post = async (url: string, payload: unknown, headers = h.admin) => {
    const response = await h.t.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
    return response;
  };
  /** The texts the fake received, interactive bodies included. */
  const sentTexts = () =>
    h.fake.payloads().map((payload) => {
      const body = z
        .object({
          text: z.object({ body: z.string() }).optional(),
          interactive: z.object({ body: z.object({ text: z.string() }) }).optional(),
        })
        .parse(payload);
      return body.text?.body ?? body.interactive?.body.text ?? '';
    });
  const says = async (message: Record<string, unknown>, expected: string) => {
    const accepted = await h.deliver(inboundMessage(ADA, message, { name: 'Ada' }));
    expect(accepted.statusCode).toBe(200);
    await waitFor(() => sentTexts().some((body) => body.includes(expected)), 15_000, expected);
  };

  it('talks, shows reply buttons, continues on a tap, hands over, and reports statuses', async () => {
    const accountId = h.t.first.account.id;
    await post(`/v1/accounts/${String(accountId)}/webhook`, {
      webhook_url: receiver.url,
      subscribed_events: [{ key: 'message_status', is_subscribed: true }],
      is_enabled: true,
      token: 'Test',
    });
    await h.t.runtime.services.teams.create(accountId, {
      name: 'Support',
      memberIds: [h.t.first.admin.id],
    });
    const [demo] = demoBots();
    const bot = await post('/v1/bot', { name: 'Lead capture', channel: 'WHATSAPP' });
    await post(`/v1/bots/${String(bot.json<{ id: number }>().id)}/deploy`, {
      flow_diagram: JSON.stringify(demo?.flow),
    });
    await h.t.runtime.startWorkers();

    await says(text('Hi'), "First, what's your name?");
    await says(text('Ada'), "What's your email address?");
    await says(text('ada@example.com'), 'And a phone number');
    await says(text('+44 20 7946 0958'), 'What can I help you with?');
    const menu = h.fake.payloads().at(-1);
    expect(menu).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: ADA,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'What can I help you with?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'pricing', title: 'Pricing' } },
            { type: 'reply', reply: { id: 'hours', title: 'Opening hours' } },
            { type: 'reply', reply: { id: 'human', title: 'Talk to a human' } },
          ],
        },
      },
    });

    await says(buttonReply('human', 'Talk to a human'), 'Connecting you to our Support team, Ada.');
    const conversationId = await h.conversationId();
    await waitFor(
      async () =>
        (
          await h.db
            .selectFrom('conversations')
            .select('assigned_to_bot')
            .where('public_id', '=', conversationId)
            .executeTakeFirstOrThrow()
        ).assigned_to_bot === 0,
      10_000,
      'the handover',
    );

    // An agent takes the conversation and answers from the inbox.
    await post(`/api/native/conversations/${conversationId}/assign`, {
      user_id: h.t.first.admin.id,
    });
    const agent = await issueToken(h.db, accountId, {
      kind: 'user',
      name: 'inbox',
      userId: h.t.first.admin.id,
    });
    const reply = await post(
      `/api/native/conversations/${conversationId}/messages`,
      { content: { type: 'text', text: 'Hi Ada, Sam from Support here.' } },
      bearer(agent.secret),
    );
    const messageId = z.object({ id: z.string() }).parse(reply.json()).id;
    await waitFor(
      () => sentTexts().includes('Hi Ada, Sam from Support here.'),
      10_000,
      'the agent reply',
    );
    const wamid = h.fake.sends.at(-1)?.wamid ?? '';
    const stored = () =>
      h.db
        .selectFrom('messages')
        .select(['status', 'provider_message_id'])
        .where('public_id', '=', messageId)
        .executeTakeFirstOrThrow();
    await waitFor(async () => (await stored()).status === 'sent', 10_000, 'sent recorded');
    expect((await stored()).provider_message_id).toBe(wamid);

    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect((await h.deliver(statusUpdate(wamid, status, ADA))).statusCode).toBe(200);
    }
    const reported = () =>
      receiver.requests
        .filter((request) => request.status === 200)
        .map((request) => statusEvent.safeParse(JSON.parse(request.body)))
        .flatMap((parsed) => (parsed.success ? [parsed.data.events[0].event] : []))
        .filter(
          (event) => event.type === 'message_status' && event.payload.message_id === messageId,
        )
        .map((event) => event.payload.status);
    await waitFor(() => reported().includes('read'), 15_000, 'the read status webhook');
    expect(reported()).toEqual(['sent', 'delivered', 'read']);
  });
});
