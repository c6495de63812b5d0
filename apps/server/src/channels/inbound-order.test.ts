import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundMessage, text, wamid } from '../testing/fakes/whatsapp-webhooks.js';
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
    const pending = await h.db
      .selectFrom('channel_inbox')
      .select('id')
      .where('processed_at', 'is', null)
      .execute();
    expect(pending).toEqual([]);
  });
});
