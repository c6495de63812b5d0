import { messageContentSchema, statusChangeSchema } from '@parley/protocol';
import { z } from 'zod';
import type { Db } from '../../storage/database.js';
import type { ConversationRow, MessageRow } from '../../storage/schema-conversations.js';
import type { ConversationSnapshot, MessageSnapshot } from '../events/snapshots.js';

const variablesSchema = z.record(z.string(), z.unknown());

export function parseVariables(json: string): Record<string, unknown> {
  const parsed = variablesSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : {};
}

/** Reads everything a conversation event shows about its conversation, in the caller's transaction. */
export async function conversationSnapshot(
  db: Db,
  conversation: ConversationRow,
): Promise<ConversationSnapshot> {
  const accountId = conversation.account_id;
  const [channel, contact, user, team, labels] = await Promise.all([
    db
      .selectFrom('channels')
      .select(['id', 'type', 'name', 'provider'])
      .where('account_id', '=', accountId)
      .where('id', '=', conversation.channel_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('contacts')
      .select(['id', 'key', 'external_key', 'name', 'email', 'phone'])
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
    db
      .selectFrom('conversation_labels')
      .innerJoin('labels', 'labels.id', 'conversation_labels.label_id')
      .select('labels.name')
      .where('conversation_labels.account_id', '=', accountId)
      .where('conversation_labels.conversation_id', '=', conversation.id)
      .orderBy('labels.name')
      .execute(),
  ]);
  return {
    id: conversation.public_id,
    internalId: conversation.id,
    status: conversation.status,
    title: conversation.title,
    channel,
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
    variables: parseVariables(conversation.variables),
    labels: labels.map((label) => label.name),
    createdAt: conversation.created_at,
    closedAt: conversation.closed_at,
  };
}

export function messageSnapshot(message: MessageRow, senderEmail: string | null): MessageSnapshot {
  return {
    id: message.public_id,
    direction: message.direction,
    sender: { type: message.sender_type, userId: message.sender_user_id, email: senderEmail },
    content: messageContentSchema.parse(JSON.parse(message.content)),
    text: message.text,
    status: message.status,
    statusHistory: z.array(statusChangeSchema).parse(JSON.parse(message.status_history)),
    failureReason: message.failure_reason,
    createdAt: message.created_at,
  };
}
