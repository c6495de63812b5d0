import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../bus/events.js';
import { LocalEventBus } from '../bus/local-bus.js';
import type { Principal } from '../core/auth/principal.js';
import { conversationEventTypes } from '../core/events/conversation-events.js';
import { uniformConfiguration } from '../core/roles/role-configuration.js';
import { testLogger } from '../testing/logger.js';
import { waitFor } from '../testing/wait-for.js';
import { FakeSocket } from './fake-socket.js';
import { DEFAULT_REALTIME_OPTIONS, RealtimeHub, type RealtimeOptions } from './hub.js';

const principals: Record<string, Principal> = {
  admin1: {
    kind: 'account_token',
    accountId: 1,
    userId: null,
    tokenId: 11,
    configuration: uniformConfiguration(true),
    scopes: null,
  },
  admin2: {
    kind: 'account_token',
    accountId: 2,
    userId: null,
    tokenId: 21,
    configuration: uniformConfiguration(true),
    scopes: null,
  },
  agent1: {
    kind: 'user_token',
    accountId: 1,
    userId: 7,
    tokenId: 12,
    configuration: uniformConfiguration(false),
    scopes: null,
  },
};

const hubs: RealtimeHub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.stop();
});

function setup(options: Partial<RealtimeOptions> = {}) {
  const local = new LocalEventBus(testLogger());
  let subscriptions = 0;
  // Counts subscriptions: the hub must make one per type, however many sockets there are.
  const bus: EventBus = {
    backend: 'local',
    publish: (type, accountId, payload) => local.publish(type, accountId, payload),
    subscribe: (type, listener) => {
      subscriptions += 1;
      return local.subscribe(type, listener);
    },
    ping: () => local.ping(),
    close: () => local.close(),
  };
  const teams = new Map<number, Set<number>>();
  const hub = new RealtimeHub(
    {
      bus,
      log: { latestId: () => Promise.resolve(0), after: () => Promise.resolve([]) },
      authenticate: (secret) => Promise.resolve(principals[secret]),
      teamsOf: (_accountId, userIds) =>
        Promise.resolve(new Map(userIds.map((id) => [id, new Set(teams.get(id))]))),
      logger: testLogger(),
    },
    { ...DEFAULT_REALTIME_OPTIONS, ...options },
  );
  hubs.push(hub);
  hub.start();
  async function connect(token: string): Promise<FakeSocket> {
    const socket = new FakeSocket();
    const connection = hub.attach(socket);
    socket.onClose = () => {
      connection.onClosed();
    };
    connection.open({ token });
    await waitFor(() => socket.sent.length > 0, 10_000, 'ready');
    return socket;
  }
  const message = (accountId: number, eventId: number, team: number | null = null) =>
    bus.publish('message.created', accountId, {
      eventId,
      conversationId: 5,
      data: {
        conversation: { assignee: { user: null, team: team === null ? null : { id: team } } },
      },
    });
  return { hub, bus, teams, connect, message, subscriptions: () => subscriptions };
}

describe('RealtimeHub', () => {
  it('subscribes once per event type and fans out to the sockets of the account only', async () => {
    const { connect, message, subscriptions } = setup();
    const before = subscriptions();
    const [a, b, other] = await Promise.all([
      connect('admin1'),
      connect('admin1'),
      connect('admin2'),
    ]);
    expect(subscriptions()).toBe(before);
    expect(before).toBe(conversationEventTypes.length + 4);
    await message(1, 100);
    await waitFor(() => a.eventIds().length === 1 && b.eventIds().length === 1);
    expect(other.eventIds()).toEqual([]);
  });

  it('applies a team change before the events that follow it', async () => {
    const { connect, message, teams, bus } = setup();
    const agent = await connect('agent1');
    await message(1, 100, 30);
    teams.set(7, new Set([30]));
    await bus.publish('team.changed', 1, { teamId: 30 });
    await message(1, 101, 30);
    await waitFor(() => agent.eventIds().length === 1);
    expect(agent.eventIds()).toEqual([101]);
  });

  it('closes the sockets of a revoked token (4401) and of a user whose role changed (4409)', async () => {
    const { connect, bus } = setup();
    const [admin, agent] = await Promise.all([connect('admin1'), connect('agent1')]);
    await bus.publish('user.role_changed', 1, { userId: 7, roleId: 3 });
    await bus.publish('token.revoked', 1, { tokenId: 11 });
    await waitFor(() => admin.closedWith !== undefined && agent.closedWith !== undefined);
    expect(agent.closedWith).toEqual({ code: 4409, reason: 'role changed' });
    expect(admin.closedWith).toEqual({ code: 4401, reason: 'token revoked' });
  });

  it('pings every heartbeat and cuts a socket that stopped answering', async () => {
    const { connect } = setup({ heartbeatMs: 20 });
    const silent = await connect('admin1');
    await waitFor(() => silent.terminated, 10_000, 'the silent socket to be cut');
    expect(silent.pings).toBe(1);
  });

  it('closes every socket with 1001 on shutdown', async () => {
    const { hub, connect } = setup();
    const sockets = await Promise.all([connect('admin1'), connect('agent1')]);
    await hub.shutdown();
    expect(sockets.map((socket) => socket.closedWith?.code)).toEqual([1001, 1001]);
    expect(hub.size).toBe(0);
  });
});
