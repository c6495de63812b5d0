import { z } from 'zod';

/**
 * Conversation events: what happened in a conversation, recorded in the account event log
 * in the same transaction as the change. `data` is a snapshot of what changed, the same
 * document realtime clients receive and webhook mappers translate.
 */
export const conversationEventTypes = [
  'conversation.created',
  'conversation.status_changed',
  'conversation.assignee_changed',
  'conversation.variables_changed',
  'conversation.labels_changed',
  'message.created',
  'message.status_changed',
  'note.created',
  'sla.breached',
] as const;

export type ConversationEventType = (typeof conversationEventTypes)[number];

export const conversationEventPayload = z.object({
  /** Position in the account event log: the realtime resume cursor. */
  eventId: z.number(),
  conversationId: z.number(),
  data: z.record(z.string(), z.unknown()),
});

export type ConversationEventPayload = z.infer<typeof conversationEventPayload>;
