import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUSINESS_NUMBER, inboundMessage, text } from '../../testing/fakes/whatsapp-webhooks.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { OUTSIDE_WINDOW_REASON } from '../whatsapp/errors.js';
import { cloudHarness, type CloudHarness } from './cloud-harness.js';

const ADA = '4915112345678';

describe.each(DIALECTS)('WhatsApp Cloud sending on %s', (dialect) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
    await h.t.runtime.startWorkers();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Ada writes first (opening the window); resolves to her conversation. */
  async function adaWrites(): Promise<string> {
    await h.deliver(inboundMessage(ADA, text('Hi')));
    await waitFor(async () => (await h.messages()).length === 1, 10_000, 'the inbound message');
    return h.conversationId();
  }

  async function agentSays(conversationId: string, body: string): Promise<void> {
    await h.t.runtime.services.conversations.sendAgentMessage(
      h.t.first.account.id,
      conversationId,
      {
        content: { type: 'text', text: body },
        userId: h.t.first.admin.id,
      },
    );
  }

  const outbound = async () =>
    (await h.messages()).filter((message) => message.direction === 'outbound');

  it('retries a 500 and then sends once, recording the wamid', async () => {
    const conversationId = await adaWrites();
    h.fake.failures.push({ status: 500, code: 1, message: 'An unknown error occurred' });
    await agentSays(conversationId, 'After a hiccup');
    await waitFor(async () => (await outbound())[0]?.status === 'sent', 10_000, 'sent');
    const postedTexts = h.fake.requests.filter((request) => request.method === 'POST');
    expect(postedTexts).toHaveLength(2);
    expect(h.fake.sends).toHaveLength(1);
    expect((await outbound())[0]?.provider_message_id).toBe(h.fake.sends[0]?.wamid);
  });

  it('fails a permanent error at once with Meta’s reason, without retrying', async () => {
    const conversationId = await adaWrites();
    h.fake.failures.push({
      status: 400,
      code: 131026,
      message: 'Message undeliverable',
      details: 'Receiver is incapable of receiving this message',
    });
    await agentSays(conversationId, 'Never arrives');
    await waitFor(async () => (await outbound())[0]?.status === 'failed', 10_000, 'failed');
    expect((await outbound())[0]?.failure_reason).toBe(
      'WhatsApp error 131026: Message undeliverable (Receiver is incapable of receiving this message)',
    );
    expect(h.fake.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('outside the 24-hour window fails a free-form message clearly; a template still goes out', async () => {
    const conversationId = await adaWrites();
    await h.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() - 25 * 3_600_000 })
      .where('public_id', '=', conversationId)
      .execute();
    await agentSays(conversationId, 'Are you still there?');
    await waitFor(async () => (await outbound())[0]?.status === 'failed', 10_000, 'failed');
    expect((await outbound())[0]?.failure_reason).toBe(OUTSIDE_WINDOW_REASON);
    expect(h.fake.requests).toHaveLength(0);

    await h.t.runtime.services.conversations.sendAgentMessage(
      h.t.first.account.id,
      conversationId,
      {
        content: {
          type: 'template',
          name: 'follow_up',
          language: 'en',
          parameters: { header: [], body: ['Ada'], buttons: {} },
        },
        userId: h.t.first.admin.id,
      },
    );
    await waitFor(() => h.fake.sends.length === 1, 10_000, 'the template');
    expect(h.fake.sends[0]?.payload).toMatchObject({ type: 'template', to: ADA });
  });

  it('POST /v1/conversations with channel WHATSAPP and a template goes out through the Cloud API', async () => {
    await h.t.app.inject({
      method: 'PUT',
      url: '/api/native/templates',
      headers: h.admin,
      payload: { name: 'test_template', language: 'en_US', status: 'approved' },
    });
    const created = await h.t.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: { ...h.admin, 'content-type': 'application/json' },
      payload: JSON.stringify({
        channel: 'WHATSAPP',
        from: BUSINESS_NUMBER,
        to: { phone: '14155550123', name: 'John Doe' },
        message: {
          type: 'template',
          data: {
            template: 'test_template',
            parameters: { header: ['John'], body: ['Doe', 'Doe2'], buttons: { url: 'any' } },
          },
        },
      }),
    });
    expect(created.statusCode, created.body).toBe(200);
    await waitFor(async () => (await outbound())[0]?.status === 'sent', 10_000, 'sent');
    expect(h.fake.sends.map((send) => send.payload)).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '14155550123',
        type: 'template',
        template: {
          name: 'test_template',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'John' }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Doe' },
                { type: 'text', text: 'Doe2' },
              ],
            },
            {
              type: 'button',
              sub_type: 'url',
              index: '0',
              parameters: [{ type: 'text', text: 'any' }],
            },
          ],
        },
      },
    ]);
    // A free-form text to the same new contact, who never wrote, is refused.
    const conversationId = await h.conversationId();
    await agentSays(conversationId, 'Hello?');
    await waitFor(async () => (await outbound())[1]?.status === 'failed', 10_000, 'failed');
    expect((await outbound())[1]?.failure_reason).toBe(OUTSIDE_WINDOW_REASON);
  });
});
