import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { botHarness, flow } from './bot-runner-harness.js';

type Harness = Awaited<ReturnType<typeof botHarness>>;

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A customer's API on loopback: records requests and answers with `reply`. */
async function fakeApi(reply: (request: Received) => { status: number; body: unknown }) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const { status, body } = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const { port } = address;
  return {
    base: `http://127.0.0.1:${String(port)}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

const text = (value: string) => ({ text: value });

describe.each(DIALECTS)('bot calls on %s', (dialect) => {
  let h: Harness | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await h?.t.close();
    h = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('calls a webhook from a job, maps the answer and goes on; a failing API takes "failure"', async () => {
    const api = await fakeApi((request) =>
      request.url.startsWith('/down')
        ? { status: 503, body: { error: 'maintenance' } }
        : { status: 200, body: { lead: { id: 'L-7' } } },
    );
    cleanups.push(api.close);
    h = await botHarness(dialect, {}, { PARLEY_ALLOW_PRIVATE_NETWORKS: 'true' });
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          {
            id: 'hook',
            type: 'webhook',
            data: {
              url: `${api.base}/{{conversation.last_message}}`,
              body: '{"said":"{{conversation.last_message}}"}',
              mappings: [{ variable: 'lead', path: 'body.lead.id' }],
            },
          },
          { id: 'ok', type: 'message', data: text('Lead {{lead}} created') },
          { id: 'ko', type: 'message', data: text('Our CRM is down') },
        ],
        ['start->hook', 'hook:success->ok', 'hook:failure->ko'],
        [{ name: 'lead', type: 'string', scope: 'conversation' }],
      ),
    );
    await h.t.runtime.startWorkers();
    const first = await h.say('leads');
    const second = await h.say('down', '+14155550142');
    const harness = h;
    await waitFor(async () => (await harness.transcript(first)).length === 2, 10_000, 'reply 1');
    await waitFor(async () => (await harness.transcript(second)).length === 2, 10_000, 'reply 2');
    expect(await h.transcript(first)).toEqual(['> leads', '< Lead L-7 created']);
    expect(await h.transcript(second)).toEqual(['> down', '< Our CRM is down']);
    const posted = api.received.find((request) => request.url === '/leads');
    expect(posted).toMatchObject({ method: 'POST', body: '{"said":"leads"}' });
    expect(posted?.headers['content-type']).toBe('application/json');
  });

  it('refuses a webhook to a private address unless allowed (SSRF guard)', async () => {
    const api = await fakeApi(() => ({ status: 200, body: {} }));
    cleanups.push(api.close);
    h = await botHarness(dialect, {}, { PARLEY_ALLOW_PRIVATE_NETWORKS: 'false' });
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          { id: 'hook', type: 'webhook', data: { url: `${api.base}/internal`, method: 'GET' } },
          { id: 'ok', type: 'message', data: text('reached') },
          { id: 'ko', type: 'message', data: text('refused') },
        ],
        ['start->hook', 'hook:success->ok', 'hook:failure->ko'],
      ),
    );
    await h.t.runtime.startWorkers();
    const id = await h.say('hi');
    const harness = h;
    await waitFor(async () => (await harness.transcript(id)).length === 2, 10_000, 'a reply');
    expect(await h.transcript(id)).toEqual(['> hi', '< refused']);
    expect(api.received).toEqual([]);
  });

  it('sends an e-mail through SMTP, notifies another number by SMS, labels and closes', async () => {
    const smtp: SmtpSink = await startSmtpSink();
    cleanups.push(() => smtp.close());
    h = await botHarness(dialect, {}, { SMTP_URL: smtp.url });
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          {
            id: 'mail',
            type: 'send_email',
            data: {
              to: 'sales@example.com',
              subject: 'New lead',
              body: 'They said: {{conversation.last_message}}',
            },
          },
          { id: 'sms', type: 'send_sms', data: { to: '+14155550177', text: 'Lead waiting' } },
          { id: 'tag', type: 'send_status', data: { addLabels: ['lead'] } },
          { id: 'bye', type: 'message', data: text('Thanks, we will call you.') },
          { id: 'close', type: 'send_status', data: { status: 'closed' } },
        ],
        ['start->mail', 'mail->sms', 'sms->tag', 'tag->bye', 'bye->close'],
      ),
    );
    await h.t.runtime.startWorkers();
    const id = await h.say('call me back');
    const harness = h;
    await waitFor(
      async () => (await harness.conversation(id)).status === 'closed',
      10_000,
      'closed',
    );
    expect(await h.transcript(id)).toEqual(['> call me back', '< Thanks, we will call you.']);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.to).toEqual(['sales@example.com']);
    expect(smtp.messages[0]?.raw).toContain('They said: call me back');
    const notified = await h.conversationWith('+14155550177');
    expect(notified).toBeDefined();
    expect(await h.transcript(notified ?? '')).toEqual(['< Lead waiting']);
    const conversation = await h.conversation(id);
    expect(JSON.parse(conversation.label_names)).toEqual(['lead']);
    expect(conversation.assigned_to_bot).toBe(0);
  });

  it('runs a Codeblock in the sandbox: variables out, fetch through the guard; a runaway loop takes "error"', async () => {
    const api = await fakeApi(() => ({ status: 200, body: { rate: 1.1 } }));
    cleanups.push(api.close);
    h = await botHarness(dialect, {}, { PARLEY_ALLOW_PRIVATE_NETWORKS: 'true' });
    await h.deploy(
      flow(
        [
          { id: 'start', type: 'start' },
          {
            id: 'save',
            type: 'set_variable',
            data: { variable: 'said', value: '{{conversation.last_message}}' },
          },
          {
            id: 'code',
            type: 'codeblock',
            data: {
              code: `if (variables.said === 'loop') { while (true) {} }
const response = await fetch('${api.base}/rate');
const { rate } = await response.json();
return { price: Math.round(100 * rate), env: typeof process };`,
              outputs: ['price', 'env'],
              timeoutMs: 3_000,
            },
          },
          { id: 'ok', type: 'message', data: text('Price {{price}}, process is {{env}}') },
          { id: 'ko', type: 'message', data: text('The code failed') },
        ],
        ['start->save', 'save->code', 'code:next->ok', 'code:error->ko'],
      ),
    );
    await h.t.runtime.startWorkers();
    const harness = h;
    // One after the other: a runaway loop holds the event loop until its deadline.
    const fine = await h.say('price');
    await waitFor(async () => (await harness.transcript(fine)).length === 2, 15_000, 'price');
    const stuck = await h.say('loop', '+14155550143');
    await waitFor(async () => (await harness.transcript(stuck)).length === 2, 15_000, 'loop');
    expect(await h.transcript(fine)).toEqual(['> price', '< Price 110, process is undefined']);
    expect(await h.transcript(stuck)).toEqual(['> loop', '< The code failed']);
  });
});
