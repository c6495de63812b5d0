import {
  conversationEventTypes,
  type ConversationEventPayload,
  type ConversationEventType,
} from '../core/events/conversation-events.js';
import type { Db } from '../storage/database.js';
import { assignmentOf, type Assignment } from './visibility.js';

/**
 * One conversation event on its way to sockets, live (from the bus) or replayed (from
 * `account_events`). The frame is serialised once and shared by every socket; the
 * assignee is parsed only if a viewer without full access asks for it.
 */
export interface RealtimeEvent {
  readonly id: number;
  readonly type: string;
  readonly conversationId: number | null;
  readonly frame: string;
  assignment(): Assignment;
}

export function liveEvent(
  type: ConversationEventType,
  payload: ConversationEventPayload,
): RealtimeEvent {
  const frame = JSON.stringify({
    type: 'event',
    id: payload.eventId,
    event: type,
    conversation_id: payload.conversationId,
    data: payload.data,
  });
  return {
    id: payload.eventId,
    type,
    conversationId: payload.conversationId,
    frame,
    assignment: memo(() => assignmentOf(payload.data)),
  };
}

export interface LogRow {
  readonly id: number;
  readonly type: string;
  readonly conversation_id: number | null;
  /** The snapshot as stored: JSON text written by the event recorder. */
  readonly payload: string;
}

export function loggedEvent(row: LogRow): RealtimeEvent {
  // The stored payload is already the JSON of `data`: splicing it in saves a parse and a
  // stringify per replayed row, and yields the same frame a live event would.
  const frame = `{"type":"event","id":${row.id},"event":${JSON.stringify(row.type)},"conversation_id":${row.conversation_id ?? 'null'},"data":${row.payload}}`;
  return {
    id: row.id,
    type: row.type,
    conversationId: row.conversation_id,
    frame,
    assignment: memo(() => {
      const data: unknown = JSON.parse(row.payload);
      return assignmentOf(data);
    }),
  };
}

/** The account event log as realtime reads it (a fake in unit tests). */
export interface EventLog {
  /** The id of the account's latest conversation event (0 when there is none). */
  latestId(accountId: number): Promise<number>;
  /** Up to `limit` conversation events with id > `afterId`, in id order. */
  after(accountId: number, afterId: number, limit: number): Promise<LogRow[]>;
}

const REPLAYED_TYPES = [...conversationEventTypes];

export class SqlEventLog implements EventLog {
  constructor(private readonly db: Db) {}

  async latestId(accountId: number): Promise<number> {
    const row = await this.db
      .selectFrom('account_events')
      .select((eb) => eb.fn.max<number | null>('id').as('latest'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row?.latest ?? 0;
  }

  after(accountId: number, afterId: number, limit: number): Promise<LogRow[]> {
    return this.db
      .selectFrom('account_events')
      .select(['id', 'type', 'conversation_id', 'payload'])
      .where('account_id', '=', accountId)
      .where('id', '>', afterId)
      .where('type', 'in', REPLAYED_TYPES)
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}

/** Team memberships of the account's users, for viewers without full access. */
export async function teamsOfUsers(
  db: Db,
  accountId: number,
  userIds: readonly number[],
): Promise<Map<number, Set<number>>> {
  const byUser = new Map<number, Set<number>>(userIds.map((id) => [id, new Set<number>()]));
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('team_members')
    .select(['user_id', 'team_id'])
    .where('account_id', '=', accountId)
    .where('user_id', 'in', [...userIds])
    .execute();
  for (const row of rows) byUser.get(row.user_id)?.add(row.team_id);
  return byUser;
}

function memo<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}
