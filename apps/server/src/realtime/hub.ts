import type { Logger } from 'pino';
import type { EventBus } from '../bus/events.js';
import type { Principal } from '../core/auth/principal.js';
import {
  conversationEventTypes,
  type ConversationEventPayload,
  type ConversationEventType,
} from '../core/events/conversation-events.js';
import {
  RealtimeConnection,
  type ConnectionHost,
  type ConnectionOptions,
  type RealtimeSocket,
} from './connection.js';
import { liveEvent, type EventLog } from './event-log.js';
import { CLOSE_CODES } from './protocol.js';

export interface RealtimeOptions extends ConnectionOptions {
  /** Ping interval; a socket that has not answered the previous ping by then is cut. */
  readonly heartbeatMs: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  heartbeatMs: 25_000,
  authTimeoutMs: 5_000,
  maxBufferedBytes: 1024 * 1024,
  replayBatchSize: 500,
  maxPendingEvents: 10_000,
  drainTimeoutMs: 10_000,
  closeGraceMs: 2_000,
};

export interface HubDependencies {
  readonly bus: EventBus;
  readonly log: EventLog;
  authenticate(secret: string): Promise<Principal | undefined>;
  /** Team ids of each given user of the account (every given user is in the map). */
  teamsOf(accountId: number, userIds: readonly number[]): Promise<Map<number, Set<number>>>;
  readonly logger: Logger;
}

/**
 * The process's realtime fan-out: one bus subscription per event type, whatever the
 * number of sockets, feeding the authenticated connections of the event's account. With
 * the Redis bus every process receives every event, so a socket on any process sees
 * changes made through any other. Events of one account are handled in arrival order,
 * one after the other, so a team change is applied before the events that follow it.
 */
export class RealtimeHub {
  readonly #connections = new Set<RealtimeConnection>();
  readonly #byAccount = new Map<number, Set<RealtimeConnection>>();
  readonly #queues = new Map<number, Promise<void>>();
  readonly #unsubscribes: (() => void)[] = [];
  readonly #host: ConnectionHost;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: HubDependencies,
    private readonly options: RealtimeOptions = DEFAULT_REALTIME_OPTIONS,
  ) {
    this.#host = {
      authenticate: (secret) => deps.authenticate(secret),
      teamsOf: async (accountId, userId) =>
        (await deps.teamsOf(accountId, [userId])).get(userId) ?? new Set(),
      log: deps.log,
      logger: deps.logger,
      register: (connection) => {
        this.#register(connection);
      },
      unregister: (connection) => {
        this.#unregister(connection);
      },
    };
  }

  /** Subscribes to the bus and starts the heartbeat. */
  start(): void {
    const { bus } = this.deps;
    for (const type of conversationEventTypes) {
      this.#unsubscribes.push(
        bus.subscribe(type, (event) => {
          this.#onConversationEvent(type, event.accountId, event.payload);
        }),
      );
    }
    this.#unsubscribes.push(
      bus.subscribe('team.changed', (event) => {
        this.#inOrder(event.accountId, () => this.#refreshTeams(event.accountId));
      }),
      bus.subscribe('user.role_changed', (event) => {
        this.#closeWhere(event.accountId, (p) => p.userId === event.payload.userId, {
          code: CLOSE_CODES.accessChanged,
          reason: 'role changed',
        });
      }),
      bus.subscribe('user.removed', (event) => {
        this.#closeWhere(event.accountId, (p) => p.userId === event.payload.userId, {
          code: CLOSE_CODES.unauthorized,
          reason: 'user removed',
        });
      }),
      bus.subscribe('token.revoked', (event) => {
        this.#closeWhere(event.accountId, (p) => p.tokenId === event.payload.tokenId, {
          code: CLOSE_CODES.unauthorized,
          reason: 'token revoked',
        });
      }),
    );
    this.#heartbeat = setInterval(() => {
      for (const connection of this.#connections) connection.heartbeat();
    }, this.options.heartbeatMs);
    // The heartbeat alone must not keep a process alive.
    this.#heartbeat.unref();
  }

  /** Takes a freshly upgraded socket; the caller forwards its messages, pongs and close. */
  attach(socket: RealtimeSocket): RealtimeConnection {
    const connection = new RealtimeConnection(socket, this.#host, this.options);
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
    return connection;
  }

  /** Open sockets (authenticated or not). */
  get size(): number {
    return this.#connections.size;
  }

  /** Closes every socket with 1001, waiting until each is closed (or cut after the grace). */
  async shutdown(): Promise<void> {
    await Promise.all(
      [...this.#connections].map((connection) =>
        connection.close(CLOSE_CODES.goingAway, 'server shutting down'),
      ),
    );
  }

  /** Stops listening to the bus and the heartbeat. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    clearInterval(this.#heartbeat);
  }

  #onConversationEvent(
    type: ConversationEventType,
    accountId: number,
    payload: ConversationEventPayload,
  ): void {
    // Most events concern accounts nobody here watches: nothing is serialised for them.
    if (!this.#byAccount.has(accountId)) return;
    const event = liveEvent(type, payload);
    this.#inOrder(accountId, () => {
      for (const connection of this.#byAccount.get(accountId) ?? []) connection.offer(event);
    });
  }

  async #refreshTeams(accountId: number): Promise<void> {
    const limited = [...(this.#byAccount.get(accountId) ?? [])].filter(
      (connection) => connection.needsTeams,
    );
    const userIds = [
      ...new Set(limited.map((connection) => connection.principal?.userId ?? null)),
    ].filter((id) => id !== null);
    const teams = await this.deps.teamsOf(accountId, userIds);
    for (const connection of limited) {
      const userId = connection.principal?.userId;
      if (userId !== undefined && userId !== null)
        connection.setTeams(teams.get(userId) ?? new Set());
    }
  }

  #closeWhere(
    accountId: number,
    matches: (principal: Principal) => boolean,
    { code, reason }: { code: number; reason: string },
  ): void {
    for (const connection of [...(this.#byAccount.get(accountId) ?? [])]) {
      const principal = connection.principal;
      if (principal !== undefined && matches(principal)) void connection.close(code, reason);
    }
  }

  /** Runs the account's tasks one after the other, in the order their events arrived. */
  #inOrder(accountId: number, task: () => void | Promise<void>): void {
    const previous = this.#queues.get(accountId) ?? Promise.resolve();
    const next = previous.then(task).catch((error: unknown) => {
      this.deps.logger.error({ err: error, accountId }, 'realtime fan-out failed');
    });
    this.#queues.set(accountId, next);
    void next.then(() => {
      if (this.#queues.get(accountId) === next) this.#queues.delete(accountId);
    });
  }

  #register(connection: RealtimeConnection): void {
    const accountId = connection.principal?.accountId;
    if (accountId === undefined) return;
    let connections = this.#byAccount.get(accountId);
    if (connections === undefined) {
      connections = new Set();
      this.#byAccount.set(accountId, connections);
    }
    connections.add(connection);
  }

  #unregister(connection: RealtimeConnection): void {
    const accountId = connection.principal?.accountId;
    if (accountId === undefined) return;
    const connections = this.#byAccount.get(accountId);
    connections?.delete(connection);
    if (connections?.size === 0) this.#byAccount.delete(accountId);
  }
}
