import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STACKS, type TestStack } from '../testing/test-databases.js';
import type { EventMessage, WsTestClient } from '../testing/ws-client.js';
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
  await Promise.all(apps.splice(0).map((t) => t.close()));
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

/** A `message.created` event whose message text is `text`. */
function messageWith(text: string) {
  return (message: { type: string }): message is EventMessage =>
    message.type === 'event' &&
    'event' in message &&
    message.event === 'message.created' &&
    'data' in message &&
    JSON.stringify(message.data).includes(`"text":"${text}"`);
}

describe.each(STACKS)('GET /api/native/realtime ($name)', (stack) => {
  it('authenticates by ?token=, by a first auth message or by a session, else closes 4401', async () => {
    const { t, f } = await start(stack);
    const byQuery = await connect(t, `?token=${f.adminToken}`);
    expect((await byQuery.next(isReady)).message).toEqual({ type: 'ready', cursor: 0 });

    const byMessage = await connect(t);
    byMessage.send({ type: 'auth', token: f.adminToken });
    expect((await byMessage.next(isReady)).message).toEqual({ type: 'ready', cursor: 0 });
    byMessage.send({ type: 'ping' });
    expect((await byMessage.next()).message).toEqual({ type: 'pong' });

    const login = await fetch(`${t.url}/api/native/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.first.admin.email, password: t.first.adminPassword }),
    });
    const { access_token: session } = z
      .object({ access_token: z.string() })
      .parse(await login.json());
    const bySession = await connect(t, `?token=${encodeURIComponent(session)}`);
    expect((await bySession.next(isReady)).message.type).toBe('ready');

    const wrongQuery = await connect(t, '?token=pk_not-a-token');
    expect(await wrongQuery.closed).toEqual({ code: 4401, reason: 'invalid token' });
    const wrongMessage = await connect(t);
    wrongMessage.send({ type: 'auth', token: 'pk_not-a-token' });
    expect((await wrongMessage.closed).code).toBe(4401);
  });

  it('delivers a simulated inbound message to an admin socket within 100 ms', async () => {
    const { t, f } = await start(stack);
    const channel = await f.sandboxChannel();
    // Warm-up: the first contact, conversation and code paths are not what is measured.
    await f.inbound(channel, '+14155550123', 'warm-up');
    const admin = await connect(t, `?token=${f.adminToken}`);
    const cursor = (await admin.next(isReady)).message;

    const sentAt = performance.now();
    const accepted = f.inbound(channel, '+14155550123', 'timed');
    const received = await admin.next(messageWith('timed'), 1_000);
    const conversation = await f.conversationId(await accepted);

    expect(received.at - sentAt).toBeLessThan(100);
    expect(received.message).toMatchObject({
      type: 'event',
      event: 'message.created',
      conversation_id: conversation,
      data: { conversation: { internalId: conversation }, message: { direction: 'inbound' } },
    });
    expect(cursor.type === 'ready' && received.message.id > cursor.cursor).toBe(true);
  });

  it('shows an agent without full access only what is assigned to it or its team', async () => {
    const { t, f } = await start(stack);
    const { services } = t.runtime;
    const channel = await f.sandboxChannel();
    const agent = await f.limitedAgent('limited@example.com');
    const { team } = await services.teams.create(f.accountId, {
      name: 'Support',
      memberIds: [agent.userId],
    });
    const admin = await connect(t, `?token=${f.adminToken}`);
    const agentSocket = await connect(t, `?token=${agent.token}`);
    await Promise.all([admin.next(isReady), agentSocket.next(isReady)]);

    const mine = await f.inbound(channel, '+14155550001', 'mine');
    const theirs = await f.inbound(channel, '+14155550002', 'theirs');
    const teams = await f.inbound(channel, '+14155550003', 'team');
    await services.conversations.assign(f.accountId, mine, { userId: agent.userId }, null);
    await services.conversations.assign(f.accountId, teams, { teamId: team.id }, null);
    await f.inbound(channel, '+14155550001', 'mine again');
    await f.inbound(channel, '+14155550002', 'theirs again');
    await f.inbound(channel, '+14155550003', 'team again');
    await admin.next(messageWith('team again'));
    await agentSocket.next(messageWith('team again'));

    const [mineId, theirsId, teamId] = await Promise.all(
      [mine, theirs, teams].map((id) => f.conversationId(id)),
    );
    const seen = (socket: WsTestClient) =>
      socket.received.flatMap(({ message }) =>
        message.type === 'event' ? [`${message.event} ${String(message.conversation_id)}`] : [],
      );
    expect(seen(agentSocket)).toEqual([
      `conversation.assignee_changed ${mineId}`,
      `conversation.assignee_changed ${teamId}`,
      `message.created ${mineId}`,
      `message.created ${teamId}`,
    ]);
    expect(seen(admin)).toContain(`message.created ${theirsId}`);
    // Full access: every event of the log, in its order.
    expect(
      admin.received.flatMap(({ message }) => (message.type === 'event' ? [message.id] : [])),
    ).toEqual(await f.loggedIds(0));

    // Handed to someone else: the agent learns it left, then sees nothing more of it.
    await services.conversations.assign(f.accountId, mine, { userId: t.first.admin.id }, null);
    await f.inbound(channel, '+14155550001', 'mine after');
    await f.inbound(channel, '+14155550003', 'team after');
    await agentSocket.next(messageWith('team after'));
    expect(seen(agentSocket).slice(4)).toEqual([
      `conversation.assignee_changed ${mineId}`,
      `message.created ${teamId}`,
    ]);
  });

  it('closes its sockets with 1001 when the app closes, without hanging', async () => {
    const { t, f } = await start(stack);
    const socket = await connect(t, `?token=${f.adminToken}`);
    await socket.next(isReady);
    const started = performance.now();
    await t.app.close();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await socket.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
