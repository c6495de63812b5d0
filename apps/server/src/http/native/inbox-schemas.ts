import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import { parseVariables } from '../../core/conversations/snapshots.js';
import type { InboxConversation } from '../../core/inbox/inbox-queries.js';
import type {
  LabelRow,
  MessageRow,
  NoteRow,
  SavedReplyRow,
} from '../../storage/schema-conversations.js';

/**
 * Who may call: reads need any member of the account, changes `live_chat.full_access`,
 * managing labels and saved replies `live_chat.settings`.
 */
export const INBOX_READ = { auth: { mode: 'principal' } } as const;
export const INBOX_WRITE = {
  auth: { mode: 'principal', permission: 'live_chat.full_access' },
} as const;
export const INBOX_SETTINGS = {
  auth: { mode: 'principal', permission: 'live_chat.settings' },
} as const;

/** Wire shapes of the inbox API (snake_case, ISO times, public conversation ids). */
const iso = (epochMs: number) => new Date(epochMs).toISOString();
const isoOrNull = (epochMs: number | null) => (epochMs === null ? null : iso(epochMs));

export const conversationParam = z.object({ id: z.string().min(1).max(64) });

export const inboxConversationSchema = z.object({
  id: z.string(),
  status: z.enum(['open', 'pending', 'closed']),
  title: z.string().nullable(),
  contact: z.object({
    id: z.number(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
  }),
  channel: z.object({ id: z.number(), type: z.string(), name: z.string() }),
  assignee: z.object({
    user: z.object({ id: z.number(), name: z.string().nullable(), email: z.string() }).nullable(),
    team: z.object({ id: z.number(), name: z.string() }).nullable(),
    bot: z.boolean(),
  }),
  labels: z.array(z.string()),
  unread_count: z.number(),
  last_message: z
    .object({
      text: z.string(),
      direction: z.enum(['inbound', 'outbound']),
      created_at: z.string(),
    })
    .nullable(),
  last_message_at: z.string(),
});

export const conversationDetailSchema = inboxConversationSchema.extend({
  variables: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  closed_at: z.string().nullable(),
});

export function inboxConversationDto({
  row,
  labels,
  lastMessage,
}: InboxConversation): z.infer<typeof inboxConversationSchema> {
  const userName = [row.user_first_name, row.user_last_name]
    .filter((part) => part !== null)
    .join(' ');
  return {
    id: row.public_id,
    status: row.status,
    title: row.title,
    contact: {
      id: row.contact_id,
      name: row.contact_name,
      phone: row.contact_phone,
      email: row.contact_email,
    },
    channel: { id: row.channel_id, type: row.channel_type, name: row.channel_name },
    assignee: {
      user:
        row.user_id === null || row.user_email === null
          ? null
          : { id: row.user_id, name: userName === '' ? null : userName, email: row.user_email },
      team:
        row.team_id === null || row.team_name === null
          ? null
          : { id: row.team_id, name: row.team_name },
      bot: row.assigned_to_bot === 1,
    },
    labels: [...labels],
    unread_count: row.unread_count,
    last_message:
      lastMessage === null
        ? null
        : {
            text: lastMessage.text,
            direction: lastMessage.direction,
            created_at: iso(lastMessage.created_at),
          },
    last_message_at: iso(row.last_message_at),
  };
}

export function conversationDetailDto(
  conversation: InboxConversation,
): z.infer<typeof conversationDetailSchema> {
  return {
    ...inboxConversationDto(conversation),
    variables: parseVariables(conversation.row.variables),
    created_at: iso(conversation.row.created_at),
    closed_at: isoOrNull(conversation.row.closed_at),
  };
}

export const messageSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  sender_type: z.enum(['contact', 'bot', 'user', 'system']),
  sender_user_id: z.number().nullable(),
  content: messageContentSchema,
  text: z.string(),
  status: z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed']),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
});

export function messageDto(message: MessageRow): z.infer<typeof messageSchema> {
  return {
    id: message.public_id,
    direction: message.direction,
    sender_type: message.sender_type,
    sender_user_id: message.sender_user_id,
    // Written from a validated MessageContent; parsing again keeps the response typed.
    content: messageContentSchema.parse(JSON.parse(message.content)),
    text: message.text,
    status: message.status,
    failure_reason: message.failure_reason,
    created_at: iso(message.created_at),
  };
}

export const noteSchema = z.object({
  id: z.number(),
  body: z.string(),
  user_id: z.number().nullable(),
  created_at: z.string(),
});

export function noteDto(note: NoteRow): z.infer<typeof noteSchema> {
  return { id: note.id, body: note.body, user_id: note.user_id, created_at: iso(note.created_at) };
}

export const labelName = z.string().trim().min(1).max(50);

export const labelSchema = z.object({
  id: z.number(),
  name: z.string(),
  color: z.string(),
  created_at: z.string(),
});

export function labelDto(label: LabelRow): z.infer<typeof labelSchema> {
  return { id: label.id, name: label.name, color: label.color, created_at: iso(label.created_at) };
}

export const savedReplySchema = z.object({
  id: z.number(),
  short_code: z.string(),
  content: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function savedReplyDto(reply: SavedReplyRow): z.infer<typeof savedReplySchema> {
  return {
    id: reply.id,
    short_code: reply.short_code,
    content: reply.content,
    created_at: iso(reply.created_at),
    updated_at: iso(reply.updated_at),
  };
}
