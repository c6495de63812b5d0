import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STACKS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import type { ReceivedRequest } from '../../testing/webhook-receiver.js';
import {
  conversationSnapshot,
  createWebhookHarness,
  messageSnapshot,
  type WebhookHarness,
} from './webhooks-harness.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const TOKEN = 'Test';

function header(request: ReceivedRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
}

const messageEnvelope = z.object({
  events: z.tuple([
    z.object({
      event: z.object({
        payload: z.object({ conversation_id: z.string(), message: z.object({ id: z.string() }) }),
      }),
    }),
  ]),
});

/** The message id and conversation id a delivered `message` event carries. */
function messageOf(request: ReceivedRequest): { conversation: string; message: string } {
  const { payload } = messageEnvelope.parse(JSON.parse(request.body)).events[0].event;
  return { conversation: payload.conversation_id, message: payload.message.id };
}

/** Per conversation, the message numbers in arrival order. */
function arrivalOrder(requests: readonly ReceivedRequest[]): Map<string, number[]> {
  const lanes = new Map<string, number[]>();
  for (const request of requests) {
    const { conversation, message } = messageOf(request);
    lanes.set(conversation, [...(lanes.get(conversation) ?? []), Number(message.slice(2))]);
  }
  return lanes;
}

function expectInOrderOnce(requests: readonly ReceivedRequest[], total: number): void {
  const ids = requests.map((request) => header(request, 'x-parley-delivery'));
  expect(new Set(ids).size).toBe(total);
  expect(ids).toHaveLength(total);
  for (const [, numbers] of arrivalOrder(requests))
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
}

describe.each(STACKS)('webhook delivery on $name', (stack) => {
  let h: WebhookHarness;
  // One harness per stack (a PostgreSQL database costs a second to make); reset per test.
  beforeAll(async () => {
    h = await createWebhookHarness(stack, {
      backoffBaseMs: 20,
      backoffCapMs: 150,
      inlineWaitMs: 30,
    });
    // Two processes share the work where the database allows concurrent writers.
    if (stack.dialect === 'postgres') await h.addProcess();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
    await h.webhooks.configure(h.first.account.id, {
      url: h.receiver.url,
      subscribedEvents: ['message', 'conversation_create'],
      enabled: true,
      token: TOKEN,
    });
  });

  async function message(conversation: number, n: number): Promise<void> {
    await h.record(conversation, 'message.created', {
      conversation: conversationSnapshot(conversation),
      message: messageSnapshot(`m-${n}`, `hello ${n}`),
    });
  }

  it('delivers 100 events over 3 conversations in order, each delivery id once, signed', async () => {
    await h.receiver.setMode('unavailable');
    for (let n = 0; n < 100; n++) await message((n % 3) + 1, n);
    await waitFor(
      () => h.receiver.requests.filter((request) => request.status === 503).length >= 6,
      10_000,
      'failed attempts while the receiver is down',
    );
    await h.receiver.setMode('up');
    await waitFor(() => h.receiver.delivered().length >= 100, 20_000, '100 deliveries');

    const delivered = h.receiver.delivered();
    expectInOrderOnce(delivered, 100);
    expect(arrivalOrder(delivered).size).toBe(3);
    // Retries reuse the delivery id: every id the receiver refused was delivered later.
    const deliveredIds = new Set(delivered.map((request) => header(request, 'x-parley-delivery')));
    for (const refused of h.receiver.requests.filter((request) => request.status === 503))
      expect(deliveredIds.has(header(refused, 'x-parley-delivery'))).toBe(true);
    for (const request of delivered) {
      expect(header(request, 'x-parley-event')).toBe('message');
      expect(header(request, 'content-type')).toBe('application/json');
      const timestamp = header(request, 'x-parley-timestamp');
      const signature = header(request, 'x-parley-signature');
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(TOKEN, timestamp, request.body, signature)).toBe(true);
      expect(verifyWebhookSignature('other', timestamp, request.body, signature)).toBe(false);
      expect(verifyWebhookSignature(TOKEN, timestamp, `${request.body} `, signature)).toBe(false);
    }
    // The receiver answers before the sender records the outcome: wait for the log too.
    const rows = () =>
      h.runtime.database.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts', 'last_status_code'])
        .execute();
    await waitFor(
      async () => (await rows()).every((row) => row.status === 'delivered'),
      5_000,
      'every delivery logged as delivered',
    );
    const logged = await rows();
    expect(logged).toHaveLength(100);
    expect(logged.every((row) => row.last_status_code === 200)).toBe(true);
    expect(logged.some((row) => row.attempts > 1)).toBe(true);
  });

  it('loses nothing across a restart in the middle', async () => {
    for (let n = 0; n < 10; n++) await message((n % 2) + 1, n);
    await waitFor(() => h.receiver.delivered().length >= 10, 10_000, 'first deliveries');
    await h.receiver.setMode('down');
    for (let n = 10; n < 30; n++) await message((n % 2) + 1, n);
    await waitFor(
      async () => {
        const failed = await h.runtime.database.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('attempts', '>', 0)
          .where('status', '=', 'pending')
          .execute();
        return failed.length >= 2;
      },
      10_000,
      'failed attempts while the receiver refuses connections',
    );
    await h.restart();
    await h.receiver.setMode('up');
    await waitFor(() => h.receiver.delivered().length >= 30, 20_000, 'all 30 deliveries');
    expectInOrderOnce(h.receiver.delivered(), 30);
  });

  it('posts WotNot envelopes: conversation_create carries the documented fields', async () => {
    await h.record(5, 'conversation.created', {
      conversation: conversationSnapshot(5),
      isNewContact: true,
    });
    await waitFor(() => h.receiver.delivered().length >= 1, 10_000, 'the delivery');
    const [request] = h.receiver.delivered();
    expect(request === undefined ? '' : header(request, 'x-parley-event')).toBe(
      'conversation_create',
    );
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      token: TOKEN,
      events: [
        {
          event: {
            type: 'conversation_create',
            payload: {
              conversation_id: 'conv-5',
              assigned_to_user: {
                email: 'agent@example.com',
                id: 7,
                type: 'USER',
                name: 'Agent Smith',
              },
              created_at: '2026-01-04T01:13:00.000Z',
              title: 'Chat 5',
              bot_id: 3,
              channel: { name: 'Website', provider: 'parley', type: 'WEB' },
              is_new_visitor: true,
              is_closed: false,
              external_key: 'ext-5',
              browser: null,
              variables: [{ type: 'conversation', name: 'plan', value: 'pro' }],
              contact: {
                id: 45,
                key: 'contact-5',
                external_key: 'ext-5',
                name: 'Ann Visitor',
                email: 'ann@example.com',
                phone: null,
              },
            },
          },
        },
      ],
    });
  });
});
