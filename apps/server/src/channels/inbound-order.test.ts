import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundMessage, statusUpdate, text, wamid } from '../testing/fakes/whatsapp-webhooks.js';
import { DIALECTS } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { cloudHarness, type CloudHarness } from './whatsapp-cloud/cloud-harness.js';

const ADA = '4915112345678';

describe.each(DIALECTS)('channel inbox on %s', (dialect) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  const pendingWebhooks = () =>
    h.db.selectFrom('channel_inbox').select('id').where('processed_at', 'is', null).execute();

  it('applies a contact’s webhooks in the order they were accepted, whatever the job concurrency', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `message ${String(i)}`);
    // Accepted one after the other (each acknowledged), then processed by the workers,
    // which run several jobs at once.
    for (const body of texts) {
      const answer = await h.deliver(inboundMessage(ADA, text(body), { id: wamid() }));
      expect(answer.statusCode).toBe(200);
    }
    await h.t.runtime.startWorkers();
    const harness = h;
    await waitFor(async () => (await harness.messages()).length === texts.length, 20_000, 'all');
    const stored = (await h.messages()).map((message) =>
      typeof message.content === 'object' && message.content !== null && 'text' in message.content
        ? message.content.text
        : null,
    );
    expect(stored).toEqual(texts);
    expect(await pendingWebhooks()).toEqual([]);
  });

  it('holds a status that overtook its send in place: what came before is applied, what came after waits', async () => {
    const before = wamid();
    const after = wamid();
    for (const payload of [
      inboundMessage(ADA, text('before the status'), { id: before }),
      statusUpdate(wamid(), 'delivered', ADA), // a message this channel never sent
      inboundMessage(ADA, text('after the status'), { id: after }),
    ]) {
      expect((await h.deliver(payload)).statusCode).toBe(200);
    }
    await h.t.runtime.startWorkers();
    const harness = h;
    await waitFor(async () => (await harness.messages()).length === 2, 20_000, 'both messages');
    expect((await h.messages()).map((message) => message.provider_message_id)).toEqual([
      before,
      after,
    ]);
    // The message before the status did not wait for it: it was applied at once, the status
    // only after its retries with backoff (50 ms, then doubling) had run out.
    const inbox = await h.db
      .selectFrom('channel_inbox')
      .select('processed_at')
      .orderBy('id')
      .execute();
    const [beforeAt, statusAt, afterAt] = inbox.map((row) => row.processed_at ?? 0);
    expect((statusAt ?? 0) - (beforeAt ?? 0)).toBeGreaterThanOrEqual(100);
    expect(afterAt).toBeGreaterThanOrEqual(statusAt ?? 0);
    // The status was retried with backoff before it was given up on; nothing stays pending.
    const jobs = await h.db
      .selectFrom('jobs')
      .select('attempts')
      .where('name', '=', 'channel.inbound')
      .execute();
    expect(Math.max(...jobs.map((job) => job.attempts))).toBeGreaterThanOrEqual(3);
    expect(await pendingWebhooks()).toEqual([]);
  });
});
