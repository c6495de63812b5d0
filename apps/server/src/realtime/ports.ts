import type { Logger } from 'pino';
import type { Principal } from '../core/auth/principal.js';
import type { RealtimeConnection } from './connection.js';
import type { EventLog } from './event-log.js';

/** The part of a `ws` WebSocket a connection uses (a fake one in unit tests). */
export interface RealtimeSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface ConnectionOptions {
  readonly authTimeoutMs: number;
  /** A socket with more unsent bytes than this is too slow: closed with 4408. */
  readonly maxBufferedBytes: number;
  readonly replayBatchSize: number;
  /** Live events held while a replay runs; more and the client is closed with 4408. */
  readonly maxPendingEvents: number;
  /** How long a replay waits for a full socket buffer to drain before giving up (4408). */
  readonly drainTimeoutMs: number;
  /** After sending a close frame, how long the peer has to answer before the socket is cut. */
  readonly closeGraceMs: number;
}

/** What a connection needs from the process: credentials, the event log and the hub. */
export interface ConnectionHost {
  authenticate(secret: string): Promise<Principal | undefined>;
  teamsOf(accountId: number, userId: number): Promise<ReadonlySet<number>>;
  readonly log: EventLog;
  register(connection: RealtimeConnection): void;
  unregister(connection: RealtimeConnection): void;
  readonly logger: Logger;
}
