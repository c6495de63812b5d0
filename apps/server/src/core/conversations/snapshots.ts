import { messageContentSchema, statusHistorySchema, type MessageContent } from '@parley/protocol';
import { z } from 'zod';
import type { Db } from '../../storage/database.js';
import type { AccountCaches } from '../cache/account-caches.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
  MessageRow,
} from '../../storage/schema-conversations.js';
import type { ConversationSnapshot, MessageSnapshot } from '../events/snapshots.js';

const variablesSchema = z.record(z.string(), z.unknown());

export function parseVariables(json: string): Record<string, unknown> {
  const parsed = variablesSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : {};
}

/** Rows the caller already holds; the snapshot reads only what it is not given. */
export interface KnownRows {
  readonly channel?: ChannelRow | undefined;
  readonly contact?: ContactRow | undefined;
}

const labelNames = z.array(z.string()).catch([]);

/**
 * Reads everything a conversation event shows about its conversation, in the caller's
 * transaction. On the inbound hot path the channel and contact are already in hand, so a
 * snapshot there costs no query at all (labels are cached on the conversation row).
 */
export async function conversationSnapshot(
  db: Db,
  caches: AccountCaches,
  conversation: ConversationRow,
  known: KnownRows = {},
): Promise<ConversationSnapshot> {
  const accountId = conversation.account_id;
  const [channel, contact, user, team] = await Promise.all([
    known.channel ?? channelOf(db, caches, conversation),
    known.contact ??
      db
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', conversation.contact_id)
        .executeTakeFirstOrThrow(),
    conversation.assignee_user_id === null
      ? undefined
      : db
          .selectFrom('users')
          .select(['id', 'email', 'first_name', 'last_name'])
          .where('account_id', '=', accountId)
          .where('id', '=', conversation.assignee_user_id)
          .executeTakeFirst(),
    conversation.assignee_team_id === null
      ? undefined
      : db
          .selectFrom('teams')
          .select(['id', 'name'])
          .where('account_id', '=', accountId)
          .where('id', '=', conversation.assignee_team_id)
          .executeTakeFirst(),
  ]);
  return {
    id: conversation.public_id,
    internalId: conversation.id,
    status: conversation.status,
    title: conversation.title,
    channel: { id: channel.id, type: channel.type, name: channel.name, provider: channel.provider },
    contact: {
      id: contact.id,
      key: contact.key,
      externalKey: contact.external_key,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
    },
    assignee: {
      user:
        user === undefined
          ? null
          : {
              id: user.id,
              email: user.email,
              name:
                [user.first_name, user.last_name].filter((part) => part !== null).join(' ') || null,
            },
      team: team ?? null,
      bot: conversation.assigned_to_bot === 1,
    },
    botId: conversation.bot_id,
    slaPolicyId: conversation.sla_policy_id,
    variables: parseVariables(conversation.variables),
    labels: labelNames.parse(JSON.parse(conversation.label_names)),
    createdAt: conversation.created_at,
    closedAt: conversation.closed_at,
  };
}

/** `content` when the caller holds the parsed content already (it skips re-validating it). */
export function messageSnapshot(
  message: MessageRow,
  sender: { readonly email: string; readonly name: string | null } | null,
  content?: MessageContent,
): MessageSnapshot {
  return {
    id: message.public_id,
    seq: message.id,
    direction: message.direction,
    sender: {
      type: message.sender_type,
      userId: message.sender_user_id,
      email: sender?.email ?? null,
      name: sender?.name ?? null,
    },
    content: content ?? messageContentSchema.parse(JSON.parse(message.content)),
    text: message.text,
    status: message.status,
    statusHistory: statusHistorySchema.parse(JSON.parse(message.status_history)),
    failureReason: message.failure_reason,
    providerMessageId: message.provider_message_id,
    createdAt: message.created_at,
  };
}

async function channelOf(
  db: Db,
  caches: AccountCaches,
  conversation: ConversationRow,
): Promise<ChannelRow> {
  const channel = await caches.channel(db, conversation.account_id, conversation.channel_id);
  if (channel === undefined) throw new Error(`channel ${String(conversation.channel_id)} is gone`);
  return channel;
}
