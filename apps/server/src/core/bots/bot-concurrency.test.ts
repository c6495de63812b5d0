import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STACKS } from '../../testing/test-databases.js';
import { BotCluster } from './bot-cluster-harness.js';
import { flow } from './bot-runner-harness.js';
import { parseState } from './bot-session-store.js';

const TURNS = 50;

/**
 * Each answer is appended to a trail (a list variable) that the next question echoes: a
 * lost variable write drops an answer, and two turns started from the same state would
 * echo the same prefix twice.
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

const inboundEvent = z.object({
  message: z.object({ direction: z.string(), text: z.string().nullable() }),
});

/*
 * Two apps, each with its own connection pool, workers and bus, are two server processes
 * as far as the database and Redis can tell. On PostgreSQL the conversation row lock is
 * what orders turns across them. SQLite is left out: two apps in one Node process on one
 * file would block each other's event loop inside SQLite's busy wait (better-sqlite3 is
 * synchronous), and SQLite is documented as a one-process database anyway.
 */
describe.each(STACKS.filter((stack) => stack.dialect === 'postgres'))(
  'bot turns across two apps on one database ($name)',
  (stack) => {
    let cluster: BotCluster | undefined;
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    it('runs 50 concurrent messages of one conversation once each, in the order accepted', async () => {
      const c = (cluster = await BotCluster.create(stack));
      const a = await c.start();
      const b = await c.start();
      await c.deploy(a, trailFlow);
      const id = await c.say(b, 'go');
      const texts = Array.from({ length: TURNS }, (_, i) => `m${i}`);
      // Alternate the receiving app, all at once: both contend for the same conversation.
      await Promise.all(texts.map((value, i) => c.say(i % 2 === 0 ? a : b, value)));

      const db = a.runtime.database.db;
      const transcript = await c.transcript(db, id);
      const echoes = transcript.filter((line) => line.startsWith('< ')).slice(1);
      expect(echoes).toHaveLength(TURNS);
      const processed = (echoes.at(-1) ?? '').slice('< seen:|'.length).split('|');
      // Every message once: none lost, none handled twice.
      expect([...processed].sort()).toEqual([...texts].sort());
      // The k-th reply saw exactly the k answers before it: no two turns shared a state.
      echoes.forEach((echo, k) => {
        expect(echo).toBe(`< seen:|${processed.slice(0, k + 1).join('|')}`);
      });
      // Each reply directly follows its own message: turns never interleaved.
      const pairs = transcript.slice(2);
      processed.forEach((value, k) => {
        expect(pairs[2 * k]).toBe(`> ${value}`);
      });

      // The order accepted is the conversation's event log (what webhooks and realtime
      // see): its message events are written after the conversation row lock is taken.
      const conversation = await c.conversation(db, id);
      const events = await db
        .selectFrom('account_events')
        .select('payload')
        .where('conversation_id', '=', conversation.id)
        .where('type', '=', 'message.created')
        .orderBy('id')
        .execute();
      const accepted = events
        .map((event) => inboundEvent.parse(JSON.parse(event.payload)).message)
        .filter((message) => message.direction === 'inbound')
        .map((message) => message.text);
      expect(accepted).toEqual(['go', ...processed]);
      // The variable itself kept all 50 writes.
      const session = await db
        .selectFrom('bot_sessions')
        .select('state')
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirstOrThrow();
      expect(parseState(session.state).session.variables).toMatchObject({
        trail: `|${processed.join('|')}`,
      });
    });
  },
);
