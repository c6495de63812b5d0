import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inboundMessage, text } from '../testing/fakes/whatsapp-webhooks.js';
import { DIALECTS } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { cloudHarness, type CloudHarness } from './whatsapp-cloud/cloud-harness.js';

const textContent = z.object({ text: z.string() });

describe.each(DIALECTS)("a channel's inbox drain jobs on %s", (dialect) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  const inboundTexts = async () =>
    (await h.messages())
      .filter((message) => message.direction === 'inbound')
      .map((message) => textContent.parse(message.content).text);

  it('applies every webhook in order, one waiting job serving all that came before it started (SQLite)', async () => {
    const texts = ['one', 'two', 'three', 'four', 'five'];
    for (const [i, said] of texts.entries()) {
      const answer = await h.deliver(inboundMessage(`49151123456${String(i)}`, text(said)));
      expect(answer.statusCode).toBe(200);
    }
    // SQLite: one job scheduled for the five; PostgreSQL keeps a job per webhook.
    expect(await h.inboundJobs()).toBe(dialect === 'sqlite' ? 1 : 5);

    await h.t.runtime.startWorkers();
    await waitFor(async () => (await inboundTexts()).length === 5, 10_000, 'the five messages');
    expect(await inboundTexts()).toEqual(texts);

    // The job cleared its mark when it started: a later webhook schedules a job again.
    await h.deliver(inboundMessage('491511234569', text('six')));
    await waitFor(async () => (await inboundTexts()).length === 6, 10_000, 'the sixth message');
    expect(await h.inboundJobs()).toBe(dialect === 'sqlite' ? 2 : 6);
  });
});
