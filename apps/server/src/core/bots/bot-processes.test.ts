import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { metricValue, type ParleyProcess } from '../../testing/parley-process.js';
import { processFixtures } from '../../testing/process-fixtures.js';
import { STACKS } from '../../testing/test-databases.js';
import { flow } from './bot-runner-harness.js';

const { start, stackEnv } = processFixtures('bot-processes');

const TURNS = 50;
const CONTACT = '+14155550123';
// Known up front so the test needs not scrape the first-run banner for the account token.
const TOKEN = 'sqlite-processes-token-0123456789';
const INBOUND_ROUTE = '/api/native/channels/:id/sandbox/inbound';

/**
 * Each answer is appended to a trail (a list variable) that the next question echoes: a
 * lost variable write drops an answer, and two turns started from the same state would
 * echo the same prefix twice. The same flow as bot-concurrency.test.ts.
 */
const trailFlow = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'ask', type: 'input', data: { prompt: 'seen:{{trail}}', variable: 'last' } },
    { id: 'add', type: 'set_variable', data: { variable: 'trail', value: '{{trail}}|{{last}}' } },
  ],
  ['start->ask', 'ask->add', 'add->ask'],
  [
    { name: 'trail', type: 'string', scope: 'conversation', default: '' },
    { name: 'last', type: 'string', scope: 'conversation' },
  ],
);

const created = z.object({ id: z.number() });
const inboundAnswer = z.object({
  outcome: z.literal('accepted'),
  conversation_id: z.string(),
  message_id: z.string(),
});
const messagePage = z.object({
  messages: z.array(
    z.object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), text: z.string() }),
  ),
  next_before: z.string().nullable(),
});

const logLine = z.object({ level: z.number(), err: z.object({ message: z.string() }) });

/** The distinct errors the processes logged: why a request answered 500. */
function loggedErrors(...processes: ParleyProcess[]): string[] {
  const messages = processes.flatMap((parley) =>
    parley
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        const parsed = logLine.safeParse(JSON.parse(line));
        return parsed.success && parsed.data.level >= 50 ? [parsed.data.err.message] : [];
      }),
  );
  return [...new Set(messages)];
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

async function request(
  parley: ParleyProcess,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<Answer> {
  const response = await fetch(`${parley.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  return { status: response.status, body: await response.text() };
}

/** A request that must succeed (setup and reads), parsed with `schema`. */
async function ok<T>(
  schema: z.ZodType<T>,
  parley: ParleyProcess,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<T> {
  const answer = await request(parley, method, url, payload);
  if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${answer.body}`);
  return schema.parse(JSON.parse(answer.body));
}

/** The conversation's texts, oldest first, `>` inbound, `<` outbound, with inbound ids. */
async function transcript(
  parley: ParleyProcess,
  conversationId: string,
): Promise<{ lines: string[]; inboundIds: string[] }> {
  // The API pages newest first (at most 100 a page): collect every page, then reverse.
  const newestFirst: z.infer<typeof messagePage>['messages'] = [];
  let before: string | null = null;
  do {
    const query: string = before === null ? '' : `&before=${before}`;
    const page = await ok(
      messagePage,
      parley,
      'GET',
      `/api/native/conversations/${conversationId}/messages?limit=100${query}`,
    );
    newestFirst.push(...page.messages);
    before = page.next_before;
  } while (before !== null);
  const messages = newestFirst.reverse();
  return {
    lines: messages.map((m) => `${m.direction === 'inbound' ? '>' : '<'} ${m.text}`),
    inboundIds: messages.filter((m) => m.direction === 'inbound').map((m) => m.id),
  };
}

/*
 * The embedded SQLite default with two real `parley start` processes on one data directory
 * (one database file, one secret key), no Redis. Unlike bot-concurrency.test.ts, which runs
 * two apps in one Node process, these are separate processes, so SQLite's busy wait blocks
 * only the process that waits. What orders turns here is SQLite's single writer: every
 * transaction takes the write lock up front (`begin immediate`, see statement-cache.ts),
 * so a turn waits for the other process's turn instead of failing with SQLITE_BUSY.
 */

/** Embedded SQLite and the scale-out stack (PostgreSQL + Redis). */
const PROCESS_STACKS = STACKS.filter((stack) => stack.redis || stack.dialect === 'sqlite');

describe.each(PROCESS_STACKS)('bot turns across two server processes on $name', (stack) => {
  it('answers 50 concurrent messages of one conversation, each once, in the order accepted', async () => {
    const env = await stackEnv(stack, TOKEN);
    // One after another: the first start migrates and creates the account, the second
    // joins it. Concurrent first starts are not what this test is about.
    const a = await start(env);
    const b = await start(env);

    const bot = await ok(created, a, 'POST', '/v1/bot', { name: 'Bot', channel: 'SMS' });
    // Deploying publishes the bot: it answers on SMS channels from now on.
    await ok(z.unknown(), a, 'POST', `/v1/bots/${bot.id}/deploy`, {
      flow_diagram: JSON.stringify(trailFlow),
    });
    const channel = await ok(created, b, 'POST', '/api/native/channels', {
      type: 'sms',
      provider: 'sandbox',
      name: 'SMS',
      phone_number: '+1 415 555 0101',
    });
    const inbound = `/api/native/channels/${channel.id}/sandbox/inbound`;
    const say = (parley: ParleyProcess, text: string) =>
      request(parley, 'POST', inbound, { from: CONTACT, content: { type: 'text', text } });

    const first = await say(b, 'go');
    expect(first.status).toBe(200);
    const conversationId = inboundAnswer.parse(JSON.parse(first.body)).conversation_id;

    const texts = Array.from({ length: TURNS }, (_, i) => `m${i}`);
    // Alternate the receiving process, all at once: both contend for the same conversation.
    const answers = await Promise.all(texts.map((text, i) => say(i % 2 === 0 ? a : b, text)));
    // No request failed (an SQLITE_BUSY surfaces as a 500 here).
    expect(
      answers.filter((answer) => answer.status >= 300),
      `logged errors: ${loggedErrors(a, b).join('; ')}`,
    ).toEqual([]);
    const accepted = answers.map((answer) => inboundAnswer.parse(JSON.parse(answer.body)));
    expect(new Set(accepted.map((answer) => answer.conversation_id))).toEqual(
      new Set([conversationId]),
    );

    // Both processes really served their half (the first "go" went to b).
    const served = async (parley: ParleyProcess) =>
      metricValue((await request(parley, 'GET', '/metrics')).body, 'parley_http_requests_total', {
        route: INBOUND_ROUTE,
        status: '200',
      });
    expect(await served(a)).toBe(TURNS / 2);
    expect(await served(b)).toBe(TURNS / 2 + 1);

    // The turn commits with its message, so the replies are there once the requests
    // answered. Read through the other process than the one that received "go".
    const { lines, inboundIds } = await transcript(a, conversationId);
    expect(lines.slice(0, 2)).toEqual(['> go', '< seen:']);
    // Every accepted message stored exactly once.
    expect([...inboundIds.slice(1)].sort()).toEqual(
      accepted.map((answer) => answer.message_id).sort(),
    );
    const echoes = lines.filter((line) => line.startsWith('< ')).slice(1);
    expect(echoes).toHaveLength(TURNS);
    const processed = (echoes.at(-1) ?? '').slice('< seen:|'.length).split('|');
    // Every message processed once: none lost, none handled twice.
    expect([...processed].sort()).toEqual([...texts].sort());
    // The k-th reply saw exactly the k messages before it: no lost variable write, and no
    // two turns started from the same state.
    echoes.forEach((echo, k) => {
      expect(echo).toBe(`< seen:|${processed.slice(0, k + 1).join('|')}`);
    });
    // Messages are stored in the order accepted, and each reply directly follows its own
    // message: turns never interleaved, replies come in the order accepted.
    expect(lines.slice(2)).toEqual(
      processed.flatMap((text, k) => [
        `> ${text}`,
        `< seen:|${processed.slice(0, k + 1).join('|')}`,
      ]),
    );
  }, 60_000);
});
