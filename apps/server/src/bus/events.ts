import { z } from 'zod';
import { CACHED_SETTINGS } from '../core/cache/account-caches.js';
import { conversationEventPayload } from '../core/events/conversation-events.js';

/**
 * The catalog of domain events: each type with the schema of its payload. Events announce
 * what has already happened (after commit); listeners react (realtime fan-out, webhooks,
 * bots) and never change whether it happened. Events that cross processes are checked
 * against these schemas on arrival.
 */
export const domainEventSchemas = {
  'user.invited': z.object({ userId: z.number(), email: z.string(), roleId: z.number() }),
  'user.activated': z.object({ userId: z.number() }),
  'user.role_changed': z.object({ userId: z.number(), roleId: z.number() }),
  'user.removed': z.object({ userId: z.number() }),
  'team.changed': z.object({ teamId: z.number() }),
  'token.revoked': z.object({ tokenId: z.number() }),
  /** A setting other processes keep in memory changed (core/cache/account-caches.ts). */
  'account.settings_changed': z.object({ setting: z.enum(CACHED_SETTINGS) }),
  'conversation.created': conversationEventPayload,
  'conversation.status_changed': conversationEventPayload,
  'conversation.assignee_changed': conversationEventPayload,
  'conversation.variables_changed': conversationEventPayload,
  'conversation.labels_changed': conversationEventPayload,
  'message.created': conversationEventPayload,
  'message.status_changed': conversationEventPayload,
  'note.created': conversationEventPayload,
  'sla.breached': conversationEventPayload,
  /** The flow's Javascript block: run by the visitor's page (widget/widget-hub.ts). */
  'widget.action': z.object({
    channelId: z.number(),
    contactId: z.number(),
    action: z.object({ id: z.string(), type: z.literal('javascript'), code: z.string() }),
  }),
  /** Someone is typing to a widget visitor (an agent) or the visitor is typing. */
  'widget.typing': z.object({
    channelId: z.number(),
    contactId: z.number(),
    conversationId: z.number(),
    on: z.boolean(),
    name: z.string().nullable(),
    from: z.enum(['agent', 'visitor']),
  }),
} as const;

export type EventType = keyof typeof domainEventSchemas;
export type DomainEvents = { [T in EventType]: z.infer<(typeof domainEventSchemas)[T]> };

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(domainEventSchemas, value);
}

export const eventTypes: readonly EventType[] = Object.keys(domainEventSchemas).filter(isEventType);

export interface EventEnvelope<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly accountId: number;
  readonly occurredAt: number;
  /** The process that published it. */
  readonly origin: string;
  readonly payload: DomainEvents[T];
}

export type EventListener<T extends EventType> = (event: EventEnvelope<T>) => void | Promise<void>;

export interface EventBus {
  readonly backend: 'local' | 'redis';
  publish<T extends EventType>(type: T, accountId: number, payload: DomainEvents[T]): Promise<void>;
  /** Returns a function that removes the listener. */
  subscribe<T extends EventType>(type: T, listener: EventListener<T>): () => void;
  /** Rejects when the backend is unreachable (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
