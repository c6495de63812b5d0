import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../core/bots/bot-runner-harness.js';
import { FakeTwilio } from '../../testing/fakes/twilio.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { CONTACT, SMS_NUMBER, twilioHarness } from './twilio-test-harness.js';

type Harness = Awaited<ReturnType<typeof twilioHarness>>;

/** A bot that asks with two buttons and answers per button. */
const menuFlow = flow(
  [
    { id: 'start', type: 'start' },
    {
      id: 'topic',
      type: 'buttons',
      data: {
        prompt: 'How can we help?',
        buttons: [
          { id: 'sales', title: 'Sales' },
          { id: 'support', title: 'Support' },
        ],
      },
    },
    { id: 'sales', type: 'message', data: { text: 'Sales will call you.' } },
    { id: 'support', type: 'message', data: { text: 'Support is on it.' } },
  ],
  ['start->topic', 'topic:button:sales->sales', 'topic:button:support->support'],
);

describe.each(DIALECTS)('Twilio SMS end to end on %s', (dialect) => {
  let fake: FakeTwilio;
  let h: Harness;
  beforeAll(async () => {
    fake = await FakeTwilio.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.sent.length = 0;
    fake.failures.length = 0;
    h = await twilioHarness(dialect, fake);
  });
  afterEach(async () => {
    await h.t.close();
  });

  const post = async (url: string, payload: unknown) => {
    const response = await h.t.app.inject({
      method: 'POST',
      url,
      headers: { ...h.admin, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
    return response;
  };

  const bodies = () => fake.sent.map((message) => message.body);

  it('runs a bot over SMS: a numbered menu, and "2" picks the second button', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const bot = (await post('/v1/bot', { name: 'Menu', channel: 'SMS' })).json<{ id: number }>();
    await post(`/v1/bots/${String(bot.id)}/deploy`, { flow_diagram: JSON.stringify(menuFlow) });
    await h.t.runtime.startWorkers();

    const say = (body: string) =>
      fake.post(sms.webhookUrl, fake.incoming({ from: CONTACT, to: SMS_NUMBER, body }));
    expect((await say('hi')).status).toBe(200);
    await waitFor(() => fake.sent.length === 1, 10_000, 'the menu');
    expect(fake.sent[0]).toMatchObject({
      to: CONTACT,
      from: SMS_NUMBER,
      body: 'How can we help?\n\n1. Sales\n2. Support',
    });

    expect((await say('2')).status).toBe(200);
    await waitFor(() => fake.sent.length === 2, 10_000, 'the answer');
    expect(bodies()).toEqual(['How can we help?\n\n1. Sales\n2. Support', 'Support is on it.']);
  });

  it('accepts the button title as the answer too', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const bot = (await post('/v1/bot', { name: 'Menu', channel: 'SMS' })).json<{ id: number }>();
    await post(`/v1/bots/${String(bot.id)}/deploy`, { flow_diagram: JSON.stringify(menuFlow) });
    await h.t.runtime.startWorkers();
    const say = (body: string) =>
      fake.post(sms.webhookUrl, fake.incoming({ from: CONTACT, to: SMS_NUMBER, body }));
    await say('hello');
    await waitFor(() => fake.sent.length === 1, 10_000, 'the menu');
    await say('sales');
    await waitFor(() => fake.sent.length === 2, 10_000, 'the answer');
    expect(bodies()[1]).toBe('Sales will call you.');
  });

  it('POST /v1/conversations with channel SMS sends the text through Twilio', async () => {
    await h.channel('sms', SMS_NUMBER);
    await h.t.runtime.startWorkers();
    const response = await post('/v1/conversations', {
      channel: 'SMS',
      from: '1-415-555-0100',
      to: { phone: '1-415-555-0123', name: 'John Doe' },
      message: { type: 'text', text: 'Hii' },
    });
    const messageId = response.json<{ conversation: { message_id: string } }>().conversation
      .message_id;
    await h.waitForStatus(messageId, 'sent');
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ to: CONTACT, from: SMS_NUMBER, body: 'Hii' });
    const sent = fake.sent[0];
    if (sent === undefined) return;
    await fake.reportStatus(sent, 'delivered');
    await h.waitForStatus(messageId, 'delivered');
  });
});
