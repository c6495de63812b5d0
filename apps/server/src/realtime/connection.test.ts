import { describe, expect, it } from 'vitest';
import type { Principal } from '../core/auth/principal.js';
import { uniformConfiguration } from '../core/roles/role-configuration.js';
import { testLogger } from '../testing/logger.js';
import { waitFor } from '../testing/wait-for.js';
import { RealtimeConnection, type ConnectionHost, type ConnectionOptions } from './connection.js';
import { liveEvent, type EventLog, type LogRow, type RealtimeEvent } from './event-log.js';
import { FakeSocket } from './fake-socket.js';
import { DEFAULT_REALTIME_OPTIONS } from './hub.js';

function data(userId: number | null): Record<string, unknown> {
  return {
    conversation: { assignee: { user: userId === null ? null : { id: userId }, team: null } },
  };
}

function row(id: number, conversationId = 1, assignee: number | null = null): LogRow {
  return {
    id,
    type: 'message.created',
    conversation_id: conversationId,
    payload: JSON.stringify(data(assignee)),
  };
}

function live(id: number, conversationId = 1, assignee: number | null = null): RealtimeEvent {
  const type = 'message.created';
  return liveEvent(type, { eventId: id, conversationId, data: data(assignee) });
}

const adminPrincipal: Principal = {
  kind: 'account_token',
  accountId: 1,
  userId: null,
  tokenId: 1,
  configuration: uniformConfiguration(true),
  scopes: null,
};
const agentPrincipal: Principal = {
  ...adminPrincipal,
  kind: 'user_token',
  userId: 7,
  configuration: uniformConfiguration(false),
};

function setup(
  rows: LogRow[],
  options: Partial<ConnectionOptions> = {},
  onRead: (afterId: number) => void = () => undefined,
) {
  const socket = new FakeSocket();
  const registered = new Set<RealtimeConnection>();
  const log: EventLog = {
    latestId: () => Promise.resolve(rows.at(-1)?.id ?? 0),
    after: (_account, afterId, limit) => {
      onRead(afterId);
      return Promise.resolve(rows.filter((r) => r.id > afterId).slice(0, limit));
    },
  };
  const host: ConnectionHost = {
    authenticate: (secret) =>
      Promise.resolve(
        secret === 'admin' ? adminPrincipal : secret === 'agent' ? agentPrincipal : undefined,
      ),
    teamsOf: () => Promise.resolve(new Set<number>()),
    log,
    register: (c) => registered.add(c),
    unregister: (c) => registered.delete(c),
    logger: testLogger(),
  };
  const connection = new RealtimeConnection(socket, host, {
    ...DEFAULT_REALTIME_OPTIONS,
    ...options,
  });
  return { socket, connection, registered };
}

describe('RealtimeConnection', () => {
  it('authenticates by URL token, announces the cursor and goes live', async () => {
    const { socket, connection, registered } = setup([row(1), row(2)]);
    connection.open({ token: 'admin' });
    await waitFor(() => socket.sent.length === 1, 10_000, 'ready');
    expect(JSON.parse(socket.sent[0] ?? '')).toEqual({ type: 'ready', cursor: 2 });
    expect(registered.has(connection)).toBe(true);
    connection.offer(live(3));
    expect(socket.eventIds()).toEqual([3]);
  });

  it('closes with 4401 on a wrong token, a first message that is not auth, or silence', async () => {
    const wrong = setup([]);
    wrong.connection.open({ token: 'nope' });
    await waitFor(() => wrong.socket.closedWith !== undefined, 10_000, 'close');
    expect(wrong.socket.closedWith?.code).toBe(4401);

    const chatty = setup([]);
    chatty.connection.open({});
    chatty.connection.receive(JSON.stringify({ type: 'ping' }));
    await waitFor(() => chatty.socket.closedWith !== undefined, 10_000, 'close');
    expect(chatty.socket.closedWith?.code).toBe(4401);

    const silent = setup([], { authTimeoutMs: 20 });
    silent.connection.open({});
    await waitFor(() => silent.socket.closedWith !== undefined, 10_000, 'close');
    expect(silent.socket.closedWith).toEqual({ code: 4401, reason: 'authentication timed out' });
  });

  it('replays in batches, then live events, without gaps or duplicates at the seam', async () => {
    // While the replay runs, 6 and 7 are committed, 7 first (PostgreSQL allows it): both
    // live events arrive during the replay, and a later batch reads 7 but not yet 6. The
    // live event of 5, published late, arrives too.
    const rows = [row(1), row(2), row(3), row(4), row(5)];
    const fixture = setup(rows, { replayBatchSize: 2 }, (afterId) => {
      if (afterId !== 4) return;
      rows.push(row(7));
      for (const id of [7, 6, 5]) fixture.connection.offer(live(id));
    });
    const { connection } = fixture;
    connection.open({ token: 'admin', since: 2 });
    await waitFor(() => fixture.socket.eventIds().length >= 5, 10_000, 'the replay');
    connection.offer(live(8));
    expect(fixture.socket.eventIds()).toEqual([3, 4, 5, 7, 6, 8]);
  });

  it('does not resend on `resume` what it delivered live moments ago', async () => {
    const rows = [row(1)];
    const { socket, connection } = setup(rows);
    connection.open({});
    connection.receive(JSON.stringify({ type: 'auth', token: 'admin' }));
    await waitFor(() => socket.sent.length === 1, 10_000, 'ready');
    rows.push(row(2), row(3));
    connection.offer(live(2));
    connection.receive(JSON.stringify({ type: 'resume', since: 0 }));
    await waitFor(() => socket.eventIds().length === 3, 10_000, 'the replay');
    expect(socket.eventIds()).toEqual([2, 1, 3]);
  });

  it('shows an agent its conversations only, and the hand-over of one it was shown', async () => {
    const { socket, connection } = setup([row(1, 10, 7), row(2, 11, 8)]);
    connection.open({ token: 'agent', since: 0 });
    await waitFor(() => socket.eventIds().length === 1, 10_000, 'the replay');
    connection.offer(live(3, 11, 8));
    connection.offer(live(4, 10, 7));
    const handedOver = liveEvent('conversation.assignee_changed', {
      eventId: 5,
      conversationId: 10,
      data: data(8),
    });
    connection.offer(handedOver);
    connection.offer(live(6, 10, 8));
    expect(socket.eventIds()).toEqual([1, 4, 5]);
  });

  it('closes a socket that reads too slowly with 4408', async () => {
    const { socket, connection } = setup([], { maxBufferedBytes: 100 });
    connection.open({ token: 'admin' });
    await waitFor(() => socket.sent.length === 1, 10_000, 'ready');
    connection.offer(live(1));
    socket.bufferedAmount = 101;
    connection.offer(live(2));
    expect(socket.eventIds()).toEqual([1]);
    expect(socket.closedWith?.code).toBe(4408);
  });

  it('closes with 4408 when too many live events pile up during a replay', async () => {
    const fixture = setup([row(1)], { maxPendingEvents: 2 }, () => {
      for (const id of [2, 3, 4]) fixture.connection.offer(live(id));
    });
    fixture.connection.open({ token: 'admin', since: 0 });
    await waitFor(() => fixture.socket.closedWith !== undefined, 10_000, 'close');
    expect(fixture.socket.closedWith?.code).toBe(4408);
  });

  it('pings on each heartbeat and cuts a socket that missed the previous pong', () => {
    const { socket, connection } = setup([]);
    connection.heartbeat();
    connection.pong();
    connection.heartbeat();
    expect(socket.pings).toBe(2);
    expect(socket.terminated).toBe(false);
    connection.heartbeat();
    expect(socket.terminated).toBe(true);
  });
});
