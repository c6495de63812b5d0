import { messageContentSchema, type MessageContent, type WidgetMessage } from '@parley/protocol';
import type { MessageSnapshot } from '../core/events/snapshots.js';
import type { Db } from '../storage/database.js';

/** The most messages one history or poll answer carries; the widget asks again for more. */
export const HISTORY_PAGE = 200;

/**
 * A visitor's own messages carry their client id in provider_message_id as
 * `<visitor id>/<client id>`: scoped by visitor, so one visitor's id cannot collide with
 * (and be answered as a duplicate of) another's.
 */
export function providerIdOf(visitorId: string, clientId: string): string {
  return `${visitorId}/${clientId}`;
}

function clientIdOf(direction: string, providerMessageId: string | null): string | null {
  if (direction !== 'inbound' || providerMessageId === null) return null;
  const slash = providerMessageId.lastIndexOf('/');
  return slash < 0 ? null : providerMessageId.slice(slash + 1);
}

/**
 * Whether the visitor sees a message: not the system line `start` writes on their behalf
 * (an inbound system message only wakes the bot).
 */
export function visibleToVisitor(direction: string, content: MessageContent): boolean {
  return !(direction === 'inbound' && content.type === 'system');
}

/** Messages of a conversation after `after` (a seq), oldest first, as the widget shows them. */
export async function widgetMessagesAfter(
  db: Db,
  accountId: number,
  conversationId: number,
  after: number,
  limit = HISTORY_PAGE,
): Promise<WidgetMessage[]> {
  const rows = await db
    .selectFrom('messages as m')
    .leftJoin('users as u', (join) =>
      join.onRef('u.id', '=', 'm.sender_user_id').on('u.account_id', '=', accountId),
    )
    .select([
      'm.id',
      'm.public_id',
      'm.direction',
      'm.sender_type',
      'm.content',
      'm.status',
      'm.provider_message_id',
      'm.created_at',
      'u.first_name',
      'u.last_name',
      'u.email',
    ])
    .where('m.account_id', '=', accountId)
    .where('m.conversation_id', '=', conversationId)
    .where('m.id', '>', after)
    .orderBy('m.id')
    .limit(limit)
    .execute();
  return rows
    .map((row) => ({ ...row, parsed: messageContentSchema.parse(JSON.parse(row.content)) }))
    .filter((row) => visibleToVisitor(row.direction, row.parsed))
    .map((row) => ({
      id: row.public_id,
      seq: row.id,
      direction: row.direction,
      sender: {
        type: row.sender_type,
        name:
          row.sender_type === 'user' ? displayName(row.first_name, row.last_name, row.email) : null,
      },
      content: row.parsed,
      status: row.status,
      createdAt: row.created_at,
      clientId: clientIdOf(row.direction, row.provider_message_id),
    }));
}

/** A message from its event snapshot: what the hub pushes without asking the database. */
export function widgetMessageOfSnapshot(
  message: MessageSnapshot,
  agentName: string | null,
): WidgetMessage {
  return {
    id: message.id,
    seq: message.seq,
    direction: message.direction,
    sender: { type: message.sender.type, name: message.sender.type === 'user' ? agentName : null },
    content: message.content,
    status: message.status,
    createdAt: message.createdAt,
    clientId: clientIdOf(message.direction, message.providerMessageId),
  };
}

/** How an agent is named to visitors: first name, else the e-mail's local part. */
export function displayName(
  firstName: string | null,
  lastName: string | null,
  email: string | null,
): string | null {
  const name = [firstName, lastName].filter((part) => part !== null && part !== '').join(' ');
  if (name !== '') return name;
  return email === null ? null : (email.split('@')[0] ?? null);
}
