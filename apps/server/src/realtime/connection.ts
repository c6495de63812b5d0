import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from '../core/auth/principal.js';
import { loggedEvent, type RealtimeEvent } from './event-log.js';
import type { ConnectionHost, ConnectionOptions, RealtimeSocket } from './ports.js';
import {
  CLOSE_CODES,
  errorFrame,
  parseClientMessage,
  PONG_FRAME,
  readyFrame,
  type ConnectQuery,
} from './protocol.js';
import { canSee, viewerOf, type Viewer } from './visibility.js';

export type { ConnectionHost, ConnectionOptions, RealtimeSocket } from './ports.js';

type Phase =
  | { readonly name: 'authenticating' }
  /** Replaying from the log; live events wait in `pending` until the replay is done. */
  | { readonly name: 'catching_up'; readonly pending: RealtimeEvent[] }
  | { readonly name: 'live' }
  | { readonly name: 'closed' };

const OPEN = 1;
/** Ids delivered lately, so a `resume` overlapping what was already sent live sends it once. */
const RECENT_IDS = 4096;
/** Conversations a limited viewer was shown, so it learns when one is given to someone else. */
const KNOWN_CONVERSATIONS = 10_000;

/**
 * One agent socket: authenticate (URL token or first message), announce the cursor, replay
 * from `since` if asked, then deliver live events the hub offers. Client messages are
 * handled one at a time, so a `resume` never interleaves with another replay.
 */
export class RealtimeConnection {
  #phase: Phase = { name: 'authenticating' };
  #principal: Principal | undefined;
  #viewer: Viewer | undefined;
  #teamsVersion = 0;
  #since: number | undefined;
  #alive = true;
  #authTimer: NodeJS.Timeout | undefined;
  #inbox: Promise<void> = Promise.resolve();
  readonly #recent = new Set<number>();
  readonly #known = new Set<number>();
  readonly closed: Promise<void>;
  #resolveClosed: () => void = () => undefined;

  constructor(
    private readonly socket: RealtimeSocket,
    private readonly host: ConnectionHost,
    private readonly options: ConnectionOptions,
  ) {
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get principal(): Principal | undefined {
    return this.#principal;
  }

  /** Whether visibility depends on team memberships (a user without full access). */
  get needsTeams(): boolean {
    const viewer = this.#viewer;
    return viewer !== undefined && !viewer.fullAccess && viewer.userId !== null;
  }

  /** Starts with what the URL carried; without a token the first message must be `auth`. */
  open(query: ConnectQuery): void {
    this.#since = query.since;
    const { token } = query;
    if (token !== undefined) {
      this.#enqueue(() => this.#authenticate(token));
      return;
    }
    this.#authTimer = setTimeout(() => {
      this.#close(CLOSE_CODES.unauthorized, 'authentication timed out');
    }, this.options.authTimeoutMs);
  }

  receive(text: string): void {
    this.#enqueue(() => this.#handle(text));
  }

  /** A live event from the hub (already known to belong to this account). */
  offer(event: RealtimeEvent): void {
    const phase = this.#phase;
    if (phase.name === 'live') this.#sendLive(event);
    else if (phase.name === 'catching_up') {
      phase.pending.push(event);
      if (phase.pending.length > this.options.maxPendingEvents)
        this.#close(CLOSE_CODES.tooSlow, 'fell too far behind');
    }
  }

  /** Team memberships changed (hub), or were first loaded. */
  setTeams(teamIds: ReadonlySet<number>): void {
    this.#teamsVersion += 1;
    if (this.#viewer !== undefined) this.#viewer = { ...this.#viewer, teamIds };
  }

  /** Called by the hub every heartbeat interval: a socket that missed a pong is cut. */
  heartbeat(): void {
    if (!this.#alive) {
      this.socket.terminate();
      return;
    }
    this.#alive = false;
    if (this.socket.readyState === OPEN) this.socket.ping();
  }

  pong(): void {
    this.#alive = true;
  }

  /** The socket is gone (whoever closed it). */
  onClosed(): void {
    this.#phase = { name: 'closed' };
    clearTimeout(this.#authTimer);
    this.host.unregister(this);
    this.#resolveClosed();
  }

  close(code: number, reason: string): Promise<void> {
    this.#close(code, reason);
    return this.closed;
  }

  #enqueue(work: () => Promise<void>): void {
    this.#inbox = this.#inbox.then(work).catch((error: unknown) => {
      this.host.logger.error({ err: error }, 'realtime connection failed');
      this.#close(CLOSE_CODES.internalError, 'internal error');
    });
  }

  async #handle(text: string): Promise<void> {
    if (this.#isClosed()) return;
    const message = parseClientMessage(text);
    if (this.#principal === undefined) {
      clearTimeout(this.#authTimer);
      if (message?.type !== 'auth') {
        this.#close(CLOSE_CODES.unauthorized, 'authenticate first');
        return;
      }
      // `since` in the auth message stands for `?since=` (both: the message wins).
      if (message.since !== undefined) this.#since = message.since;
      await this.#authenticate(message.token);
      return;
    }
    if (message === undefined)
      this.#send(errorFrame('BAD_MESSAGE', 'Unknown or malformed message.'));
    else if (message.type === 'ping') this.#send(PONG_FRAME);
    else if (message.type === 'auth')
      this.#send(errorFrame('ALREADY_AUTHENTICATED', 'This socket is authenticated.'));
    else await this.#catchUp(message.since);
  }

  async #authenticate(secret: string): Promise<void> {
    const principal = await this.host.authenticate(secret);
    if (this.#isClosed()) return;
    if (principal === undefined) {
      this.#close(CLOSE_CODES.unauthorized, 'invalid token');
      return;
    }
    this.#principal = principal;
    this.#viewer = viewerOf(principal, new Set());
    // Registered (buffering) before the cursor is read: an event committed after that read
    // reaches this socket live, one committed before it is in the log.
    this.#phase = { name: 'catching_up', pending: [] };
    this.host.register(this);
    if (!this.#viewer.fullAccess && principal.userId !== null) {
      const version = this.#teamsVersion;
      const teams = await this.host.teamsOf(principal.accountId, principal.userId);
      // A refresh by the hub meanwhile read the memberships later than this did.
      if (version === this.#teamsVersion) this.setTeams(teams);
    }
    const cursor = await this.host.log.latestId(principal.accountId);
    if (this.#isClosed()) return;
    this.#send(readyFrame(cursor));
    if (this.#since === undefined) this.#flush(-1, new Set());
    else await this.#catchUp(this.#since);
  }

  /** Replays the log after `since` in batches, then hands over to live delivery. */
  async #catchUp(since: number): Promise<void> {
    const principal = this.#principal;
    if (principal === undefined || this.#isClosed()) return;
    if (this.#phase.name === 'live') this.#phase = { name: 'catching_up', pending: [] };
    // Every id the replay read: a buffered live event among them was already sent (or not
    // visible). Tracking ids, not just the last one, keeps an event whose transaction
    // committed after a later id's (PostgreSQL sequences) from being dropped.
    const read = new Set<number>();
    let after = since;
    for (;;) {
      const rows = await this.host.log.after(
        principal.accountId,
        after,
        this.options.replayBatchSize,
      );
      for (const row of rows) {
        read.add(row.id);
        if (!(await this.#sendPaced(loggedEvent(row)))) return;
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < this.options.replayBatchSize) break;
      after = last.id;
    }
    this.#flush(since, read);
  }

  /** Goes live, first sending the live events held during the replay that it did not cover. */
  #flush(since: number, read: ReadonlySet<number>): void {
    const phase = this.#phase;
    if (phase.name !== 'catching_up') return;
    this.#phase = { name: 'live' };
    const pending = [...phase.pending].sort((a, b) => a.id - b.id);
    for (const event of pending) if (event.id > since && !read.has(event.id)) this.#sendLive(event);
  }

  #sendLive(event: RealtimeEvent): void {
    if (!this.#shouldSend(event)) return;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.#close(CLOSE_CODES.tooSlow, 'client too slow');
      return;
    }
    this.#sendEvent(event);
  }

  /** Replay pace: waits for the socket to drain instead of buffering the whole log. */
  async #sendPaced(event: RealtimeEvent): Promise<boolean> {
    if (this.#isClosed()) return false;
    if (!this.#shouldSend(event)) return true;
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      if (Date.now() > deadline) {
        this.#close(CLOSE_CODES.tooSlow, 'client too slow');
        return false;
      }
      await sleep(10);
      if (this.#isClosed()) return false;
    }
    this.#sendEvent(event);
    return true;
  }

  #shouldSend(event: RealtimeEvent): boolean {
    const viewer = this.#viewer;
    if (viewer === undefined || this.#recent.has(event.id)) return false;
    // Full access sees everything: its events' snapshots are never parsed for the assignee.
    if (viewer.fullAccess) return true;
    const conversation = event.conversationId;
    if (canSee(viewer, conversation, event.assignment())) {
      if (conversation !== null) remember(this.#known, conversation, KNOWN_CONVERSATIONS);
      return true;
    }
    // A conversation this viewer was shown was given to someone else: it gets that one
    // event (so the inbox can drop it), then nothing more of it.
    return (
      event.type === 'conversation.assignee_changed' &&
      conversation !== null &&
      this.#known.delete(conversation)
    );
  }

  #sendEvent(event: RealtimeEvent): void {
    remember(this.#recent, event.id, RECENT_IDS);
    this.#send(event.frame);
  }

  #send(frame: string): void {
    if (this.socket.readyState === OPEN) this.socket.send(frame);
  }

  #close(code: number, reason: string): void {
    if (this.#isClosed()) return;
    this.#phase = { name: 'closed' };
    clearTimeout(this.#authTimer);
    this.host.unregister(this);
    this.socket.close(code, reason);
    // `ws` waits up to 30 s for the peer's close frame; a peer that stopped reading is cut.
    setTimeout(() => {
      this.socket.terminate();
    }, this.options.closeGraceMs).unref();
  }

  #isClosed(): boolean {
    return this.#phase.name === 'closed';
  }
}

/** Adds to a set that forgets its oldest entries beyond `limit`. */
function remember(set: Set<number>, value: number, limit: number): void {
  set.delete(value);
  set.add(value);
  if (set.size > limit) {
    const oldest = set.values().next();
    if (oldest.done !== true) set.delete(oldest.value);
  }
}
