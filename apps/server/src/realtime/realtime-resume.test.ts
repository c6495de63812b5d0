import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, STACKS, testRedisUrl, type TestStack } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { isEvent, type WsTestClient } from '../testing/ws-client.js';
import { connectRealtime, realtimeFixture } from './realtime-fixture.js';
import {
  createRealtimeTestApp,
  type RealtimeTestApp,
  type RealtimeTestAppOptions,
} from './realtime-test-app.js';

const apps: RealtimeTestApp[] = [];
const sockets: WsTestClient[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  // Reverse: an app sharing another's database closes before the owner drops it.
  for (const t of apps.splice(0).reverse()) await t.close();
});

async function start(stack: TestStack, options?: RealtimeTestAppOptions) {
  const t = await createRealtimeTestApp(stack, options);
  apps.push(t);
  return { t, f: realtimeFixture(t) };
}

async function connect(t: RealtimeTestApp, query = ''): Promise<WsTestClient> {
  const socket = await connectRealtime(t.url, query);
  sockets.push(socket);
  return socket;
}

const isReady = (message: { type: string }) => message.type === 'ready';

/** Event ids a socket received, in arrival order. */
function eventIds(socket: WsTestClient): number[] {
  return socket.received.flatMap(({ message }) => (isEvent(message) ? [message.id] : []));
}

describe.each(STACKS)('realtime resume ($name)', (stack) => {
  it('replays what was missed after `since`, in order and exactly once, then goes live', async () => {
    const { t, f } = await start(stack);
    const channel = await f.sandboxChannel();
    const first = await connect(t, `?token=${f.adminToken}`);
    await first.next(isReady);
    await f.inbound(channel, '+14155550001', 'one');
    await waitFor(async () => eventIds(first).length === (await f.loggedIds(0)).length);
    const lastSeen = Math.max(...eventIds(first));
    await first.close();

    // Missed while disconnected: a new conversation, and more in the first one.
    await f.inbound(channel, '+14155550002', 'two');
    await f.inbound(channel, '+14155550001', 'three');
    const missed = await f.loggedIds(lastSeen);
    expect(missed).toHaveLength(3);

    const byQuery = await connect(t, `?token=${f.adminToken}&since=${lastSeen}`);
    const byMessage = await connect(t);
    byMessage.send({ type: 'auth', token: f.adminToken });
    await byMessage.next(isReady);
    byMessage.send({ type: 'resume', since: lastSeen });
    expect((await byQuery.next(isReady)).message).toEqual({
      type: 'ready',
      cursor: missed.at(-1),
    });
    for (const socket of [byQuery, byMessage])
      await waitFor(() => eventIds(socket).length === missed.length, 10_000, 'the replay');

    await f.inbound(channel, '+14155550002', 'four');
    const all = await f.loggedIds(lastSeen);
    for (const socket of [byQuery, byMessage]) {
      await waitFor(() => eventIds(socket).length === all.length, 10_000, 'the live event');
      expect(eventIds(socket)).toEqual(all);
    }
    // Nothing more arrives: no event was sent twice.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(eventIds(byQuery)).toEqual(all);
    expect(eventIds(byMessage)).toEqual(all);
  });

  it('loses and repeats nothing when events are committed while it replays', async () => {
    const { t, f } = await start(stack);
    const channel = await f.sandboxChannel();
    for (let i = 0; i < 30; i += 1) await f.inbound(channel, `+1415555${1000 + (i % 5)}`, `m${i}`);
    const since = (await f.loggedIds(0))[10] ?? 0;

    const socket = connect(t, `?token=${f.adminToken}&since=${since}`);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => f.inbound(channel, `+1415555${2000 + i}`, `c${i}`)),
    );
    const resumed = await socket;
    const expected = await f.loggedIds(since);
    await waitFor(() => eventIds(resumed).length >= expected.length, 5_000, 'every event');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const ids = eventIds(resumed);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(expected);
  });
});

describe.runIf(DIALECTS.includes('postgres') && testRedisUrl() !== undefined)(
  'realtime across two apps on one PostgreSQL and Redis',
  () => {
    it('delivers to a socket on app B a message accepted by app A (through Redis)', async () => {
      const stack: TestStack = { name: 'postgres+redis', dialect: 'postgres', redis: true };
      const { t: a, f } = await start(stack);
      const { t: b } = await start(stack, {
        shared: { database: a.database, redisPrefix: a.redisPrefix },
      });
      const onB = await connect(b, `?token=${f.adminToken}`);
      await onB.next(isReady);
      const channel = await f.sandboxChannel();
      const conversation = await f.inbound(channel, '+14155550009', 'via A');
      const received = await onB.nextEvent('message.created');
      expect(received.message.conversation_id).toBe(await f.conversationId(conversation));
    });
  },
);

describe('the request log', () => {
  it('never contains the token of a realtime URL', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { t, f } = await start(
      { name: 'sqlite', dialect: 'sqlite', redis: false },
      { logger: pino({ level: 'info' }, sink) },
    );
    const socket = await connect(t, `?token=${f.adminToken}&since=0`);
    await socket.next(isReady);
    const log = lines.join('');
    expect(log).toContain('/api/native/realtime?token=[redacted]&since=0');
    expect(log).not.toContain(f.adminToken);
  });
});
