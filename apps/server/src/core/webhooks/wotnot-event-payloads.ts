import type { ConversationEventType } from '../events/conversation-events.js';
import type { RecordedEvent } from '../events/event-recorder.js';
import type {
  ConversationEventData,
  ConversationSnapshot,
  MessageSnapshot,
} from '../events/snapshots.js';

/**
 * Conversation events as WotNot's event webhooks publish them: pure functions from the
 * snapshot an event carries to the exact body that is posted. Only
 * `conversation_create`'s payload is documented (API-MAP.md); the others are Parley's
 * choices, all carrying `conversation_id` (the public id) so receivers can correlate.
 */

/** The WotNot subscription key of each conversation event type. */
export const WOTNOT_EVENT_KEYS = {
  'conversation.created': 'conversation_create',
  'message.created': 'message',
  'message.status_changed': 'message_status',
  'conversation.status_changed': 'status',
  'conversation.assignee_changed': 'assignee_change',
  'sla.breached': 'sla_breached',
  'conversation.variables_changed': 'variables',
  'conversation.labels_changed': 'conversation_labels',
  'note.created': 'note',
} as const satisfies Record<ConversationEventType, string>;

export type WotnotEventKey = (typeof WOTNOT_EVENT_KEYS)[ConversationEventType];

export const WOTNOT_EVENT_KEY_LIST: readonly WotnotEventKey[] = [
  ...new Set(Object.values(WOTNOT_EVENT_KEYS)),
];

export function isWotnotEventKey(value: string): value is WotnotEventKey {
  return WOTNOT_EVENT_KEY_LIST.some((key) => key === value);
}

export interface WotnotEnvelope {
  readonly token: string;
  readonly events: readonly [
    { readonly event: { readonly type: WotnotEventKey; readonly payload: object } },
  ];
}

type Mappers = {
  [T in ConversationEventType]: (data: ConversationEventData[T], createdAt: number) => object;
};

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

/** WotNot spells statuses in capitals (its events API takes `"status":"CLOSE"`). */
const STATUS = { open: 'OPEN', pending: 'PENDING', closed: 'CLOSED' } as const;

/** Who the conversation is with: a person first, else the bot, else the team; null when nobody. */
function assignedTo(conversation: ConversationSnapshot) {
  const { user, team, bot } = conversation.assignee;
  if (user !== null) return { email: user.email, id: user.id, type: 'USER', name: user.name };
  if (bot) return { email: null, id: conversation.botId, type: 'BOT', name: null };
  if (team !== null) return { email: null, id: team.id, type: 'TEAM', name: team.name };
  return null;
}

function contactOf({ contact }: ConversationSnapshot) {
  return {
    id: contact.id,
    key: contact.key,
    external_key: contact.externalKey,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
  };
}

function messageOf(message: MessageSnapshot) {
  return {
    id: message.id,
    direction: message.direction,
    sender: {
      type: message.sender.type.toUpperCase(),
      user_id: message.sender.userId,
      email: message.sender.email,
    },
    type: message.content.type,
    text: message.text,
    content: message.content,
    status: message.status,
    failure_reason: message.failureReason,
    created_at: iso(message.createdAt),
  };
}

const MAPPERS: Mappers = {
  'conversation.created': ({ conversation, isNewContact }) => ({
    conversation_id: conversation.id,
    assigned_to_user: assignedTo(conversation),
    created_at: iso(conversation.createdAt),
    title: conversation.title,
    bot_id: conversation.botId,
    channel: {
      name: conversation.channel.name,
      provider: conversation.channel.provider,
      type: conversation.channel.type.toUpperCase(),
    },
    is_new_visitor: isNewContact,
    is_closed: conversation.status === 'closed',
    external_key: conversation.contact.externalKey,
    // Parley does not record the visitor's browser; the field stays for shape.
    browser: null,
    variables: Object.entries(conversation.variables).map(([name, value]) => ({
      type: 'conversation',
      name,
      value,
    })),
    contact: contactOf(conversation),
  }),
  'message.created': ({ conversation, message }) => ({
    conversation_id: conversation.id,
    message: messageOf(message),
  }),
  'message.status_changed': ({ conversation, message }) => ({
    conversation_id: conversation.id,
    message_id: message.id,
    status: message.status,
    failure_reason: message.failureReason,
    status_history: message.statusHistory.map((change) => ({
      status: change.status,
      at: iso(change.at),
      ...(change.reason === undefined ? {} : { reason: change.reason }),
    })),
  }),
  'conversation.status_changed': ({ conversation, previousStatus, by }, createdAt) => ({
    conversation_id: conversation.id,
    status: STATUS[conversation.status],
    previous_status: previousStatus.toUpperCase(),
    is_closed: conversation.status === 'closed',
    closed_at: iso(conversation.closedAt),
    changed_by: by,
    changed_at: iso(createdAt),
  }),
  'conversation.assignee_changed': ({ conversation, by }, createdAt) => ({
    conversation_id: conversation.id,
    assigned_to_user: assignedTo(conversation),
    assigned_to_team:
      conversation.assignee.team === null
        ? null
        : { id: conversation.assignee.team.id, name: conversation.assignee.team.name },
    changed_by: by,
    changed_at: iso(createdAt),
  }),
  'sla.breached': ({ conversation, kind, dueAt }, createdAt) => ({
    conversation_id: conversation.id,
    kind,
    due_at: iso(dueAt),
    breached_at: iso(createdAt),
    assigned_to_user: assignedTo(conversation),
  }),
  'conversation.variables_changed': ({ conversation, changed }) => ({
    conversation_id: conversation.id,
    variables: changed.map(({ type, name, value }) => ({ type, name, value })),
  }),
  'conversation.labels_changed': ({ conversation, added, removed }) => ({
    conversation_id: conversation.id,
    labels: [...conversation.labels],
    added,
    removed,
  }),
  'note.created': ({ conversation, note }) => ({
    conversation_id: conversation.id,
    note: { id: note.id, body: note.body, user_id: note.userId, created_at: iso(note.createdAt) },
  }),
};

/** The WotNot payload of one event (the inside of `event.payload`). */
export function wotnotPayload<T extends ConversationEventType>(event: RecordedEvent<T>): object {
  const mapper: Mappers[T] = MAPPERS[event.type];
  return mapper(event.data, event.createdAt);
}

/** The whole body posted to the receiver: `{"token", "events":[{"event":{type,payload}}]}`. */
export function wotnotEnvelope<T extends ConversationEventType>(
  event: RecordedEvent<T>,
  token: string,
): WotnotEnvelope {
  return {
    token,
    events: [{ event: { type: WOTNOT_EVENT_KEYS[event.type], payload: wotnotPayload(event) } }],
  };
}
