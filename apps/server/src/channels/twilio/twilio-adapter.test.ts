import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTwilio } from '../../testing/fakes/twilio.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { channelContext } from '../registry.js';
import { CONTACT, SMS_NUMBER, twilioHarness, WHATSAPP_NUMBER } from './twilio-test-harness.js';

type Harness = Awaited<ReturnType<typeof twilioHarness>>;

describe.each(DIALECTS)('Twilio channel on %s', (dialect) => {
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
    fake.mediaRequests.length = 0;
    h = await twilioHarness(dialect, fake);
  });
  afterEach(async () => {
    await h.t.close();
  });

  it('accepts webhooks signed by Twilio and refuses others before storing anything', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const params = fake.incoming({ from: CONTACT, to: SMS_NUMBER, body: 'hello' });
    const forged = await fake.post(
      sms.webhookUrl,
      params,
      fake.sign(sms.webhookUrl, { ...params, Body: 'other' }),
    );
    expect(forged.status).toBe(403);
    // Signed for another URL (http instead of https): not this request.
    const elsewhere = await fake.post(
      sms.webhookUrl,
      params,
      fake.sign(sms.webhookUrl.replace('https', 'http'), params),
    );
    expect(elsewhere.status).toBe(403);
    const unsigned = await fake.post(sms.webhookUrl, params, '');
    expect(unsigned.status).toBe(403);
    expect(
      await h.db.selectFrom('jobs').select('id').where('name', '=', 'channel.inbound').execute(),
    ).toEqual([]);

    const signed = await fake.post(sms.webhookUrl, params);
    expect(signed.status).toBe(200);
    expect(signed.contentType).toContain('text/xml');
    expect(signed.body).toContain('<Response></Response>');
    await h.t.runtime.startWorkers();
    await h.settled();
    const [message] = await h.messages();
    expect(message).toMatchObject({
      direction: 'inbound',
      provider_message_id: params.MessageSid,
      content: { type: 'text', text: 'hello' },
    });
    const contact = await h.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    expect(contact.phone).toBe(CONTACT);
  });

  it('turns MMS media into media messages and downloads them with the account credentials', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const pdf = Buffer.from('%PDF-1.4 fake');
    const media = [
      { url: fake.addMedia(jpeg, 'image/jpeg'), mime: 'image/jpeg' },
      { url: fake.addMedia(pdf, 'application/pdf'), mime: 'application/pdf' },
    ];
    const params = fake.incoming({ from: CONTACT, to: SMS_NUMBER, body: 'my receipts', media });
    expect((await fake.post(sms.webhookUrl, params)).status).toBe(200);
    await h.t.runtime.startWorkers();
    await h.settled();
    const contents = (await h.messages()).map((message) => message.content);
    expect(contents).toEqual([
      {
        type: 'media',
        kind: 'image',
        media: { url: media[0]?.url, mediaId: media[0]?.url, mime: 'image/jpeg' },
        caption: 'my receipts',
      },
      {
        type: 'media',
        kind: 'document',
        media: { url: media[1]?.url, mediaId: media[1]?.url, mime: 'application/pdf' },
      },
    ]);

    const adapter = h.t.runtime.adapters.get('twilio');
    const channel = await h.t.runtime.services.channels.get(h.t.first.account.id, sms.id);
    const context = channelContext(channel, (row) => h.t.runtime.services.channels.secretsOf(row));
    const fetched = await adapter?.fetchMedia?.(context, media[0]?.url ?? '');
    expect(fetched).toEqual({ bytes: jpeg, mime: 'image/jpeg' });
    const basic = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
    expect(fake.mediaRequests).toEqual([basic]);
    // The credentials never go to another host.
    await expect(adapter?.fetchMedia?.(context, 'https://evil.example/media/1')).rejects.toThrow(
      /Not a Twilio media URL/,
    );
  });

  it('reads WhatsApp profile names, template button taps and locations', async () => {
    const whatsapp = await h.channel('whatsapp', WHATSAPP_NUMBER);
    const from = `whatsapp:${CONTACT}`;
    const to = `whatsapp:${WHATSAPP_NUMBER}`;
    const tap = fake.incoming({
      from,
      to,
      body: 'Track order',
      extra: { MessageType: 'button', ButtonText: 'Track order', ButtonPayload: 'track' },
    });
    const pin = fake.incoming({
      from,
      to,
      extra: {
        MessageType: 'location',
        Latitude: '48.8584',
        Longitude: '2.2945',
        Label: 'Eiffel Tower',
        Address: 'Champ de Mars',
      },
    });
    for (const params of [tap, pin])
      expect((await fake.post(whatsapp.webhookUrl, params)).status).toBe(200);
    await h.t.runtime.startWorkers();
    await h.settled();
    // Two webhooks, two concurrent jobs: stored in either order.
    const contents = (await h.messages()).map((message) => message.content);
    expect(contents.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      {
        type: 'location',
        latitude: 48.8584,
        longitude: 2.2945,
        name: 'Eiffel Tower',
        address: 'Champ de Mars',
      },
      { type: 'reply', replyTo: 'track', title: 'Track order' },
    ]);
    const contact = await h.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Ada Lovelace', phone: CONTACT });
  });

  it('stores one message for duplicate deliveries, identical or not', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const params = fake.incoming({ from: CONTACT, to: SMS_NUMBER, body: 'once' });
    // The same message again with its parameters in another order: other bytes, same sid.
    const reordered = Object.fromEntries(Object.entries(params).reverse());
    await h.t.runtime.startWorkers();
    const answers = await Promise.all([
      fake.post(sms.webhookUrl, params),
      fake.post(sms.webhookUrl, params),
      fake.post(sms.webhookUrl, params),
      fake.post(sms.webhookUrl, reordered),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    await h.settled();
    expect((await h.messages()).map((message) => message.provider_message_id)).toEqual([
      params.MessageSid,
    ]);
  });

  it('sends through the Messages API and follows the status callbacks', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    await h.t.runtime.startWorkers();
    const id = await h.sendTest(sms.id, 'Your order shipped');
    await h.waitForStatus(id, 'sent');
    expect(fake.sent).toHaveLength(1);
    const [sent] = fake.sent;
    expect(sent).toMatchObject({
      to: CONTACT,
      from: SMS_NUMBER,
      body: 'Your order shipped',
      statusCallback: sms.webhookUrl,
    });
    expect((await h.message(id)).provider_message_id).toBe(sent?.sid);
    if (sent === undefined) return;
    expect((await fake.reportStatus(sent, 'sent')).status).toBe(200);
    expect((await fake.reportStatus(sent, 'delivered')).status).toBe(200);
    await h.waitForStatus(id, 'delivered');

    const second = await h.sendTest(sms.id, 'Second');
    await h.waitForStatus(second, 'sent');
    const other = fake.sent[1];
    if (other === undefined) throw new Error('not sent');
    await fake.reportStatus(other, 'undelivered', 30003);
    await h.waitForStatus(second, 'failed');
    expect((await h.message(second)).failure_reason).toBe(
      "Twilio error 30003: The recipient's handset is unreachable.",
    );
  });

  it('sends WhatsApp from the whatsapp: sender and records reads', async () => {
    const whatsapp = await h.channel('whatsapp', WHATSAPP_NUMBER);
    await h.t.runtime.startWorkers();
    const id = await h.sendTest(whatsapp.id, 'Hello on WhatsApp');
    await h.waitForStatus(id, 'sent');
    const [sent] = fake.sent;
    expect(sent).toMatchObject({ to: `whatsapp:${CONTACT}`, from: `whatsapp:${WHATSAPP_NUMBER}` });
    if (sent === undefined) return;
    await fake.reportStatus(sent, 'delivered');
    await fake.reportStatus(sent, 'read');
    await h.waitForStatus(id, 'read');
  });

  it('retries rate limits and Twilio outages, then sends once', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    fake.failures.push(
      { status: 429, code: 20429, message: 'Too Many Requests' },
      { status: 503, code: 20503, message: 'Service Unavailable' },
    );
    await h.t.runtime.startWorkers();
    const id = await h.sendTest(sms.id, 'Eventually');
    await h.waitForStatus(id, 'sent');
    expect(fake.failures).toEqual([]);
    expect(fake.sent.map((message) => message.body)).toEqual(['Eventually']);
  });

  it('fails permanent errors at once with a reason an agent can act on', async () => {
    const sms = await h.channel('sms', SMS_NUMBER);
    const whatsapp = await h.channel('whatsapp', WHATSAPP_NUMBER);
    await h.t.runtime.startWorkers();
    const cases = [
      { channel: sms.id, code: 21610, reason: /unsubscribed \(replied STOP\)/ },
      { channel: sms.id, code: 21211, reason: /not a valid phone number/ },
      { channel: sms.id, code: 21408, reason: /not permitted to send/ },
      { channel: whatsapp.id, code: 63016, reason: /24-hour customer service window.*template/ },
    ];
    for (const { channel, code, reason } of cases) {
      // A retry would find no failure queued and succeed: "failed" proves there was none.
      fake.failures.push({ status: 400, code, message: `error ${String(code)}` });
      const id = await h.sendTest(channel, `for ${String(code)}`);
      await h.waitForStatus(id, 'failed');
      expect((await h.message(id)).failure_reason).toMatch(reason);
      expect((await h.message(id)).failure_reason).toContain(`Twilio error ${String(code)}`);
    }
    await waitFor(() => fake.failures.length === 0, 10_000, 'every failure to be used');
    expect(fake.sent).toEqual([]);
  });

  it('fails wrong credentials permanently', async () => {
    const response = await h.t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: h.admin,
      payload: {
        type: 'sms',
        provider: 'twilio',
        name: 'bad',
        phone_number: SMS_NUMBER,
        secrets: { account_sid: fake.accountSid, auth_token: 'wrong' },
      },
    });
    const { id } = response.json<{ id: number }>();
    await h.t.runtime.startWorkers();
    const message = await h.sendTest(id, 'nope');
    await h.waitForStatus(message, 'failed');
    expect((await h.message(message)).failure_reason).toMatch(/20003.*auth_token/);
  });
});
