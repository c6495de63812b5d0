import { deliveryStatus, messageContentSchema, senderType } from '@parley/protocol';
import { z } from 'zod';
import type { MessageSnapshot } from '../core/events/snapshots.js';
import { displayName } from './widget-messages.js';

/**
 * Reading message events off the bus for the widget hub. Events crossing processes are
 * plain JSON, so they are parsed, cheaply first: only the conversation's channel is read
 * until it is known to be a web channel; everything else is dropped after that one check.
 */
const routing = z.object({
  conversation: z.object({
    channel: z.object({ id: z.number(), provider: z.string() }),
    contact: z.object({ id: z.number() }),
    assignee: z.object({
      user: z.object({ id: z.number(), email: z.string(), name: z.string().nullable() }).nullable(),
    }),
  }),
});

const message = z.object({
  id: z.string(),
  seq: z.number(),
  direction: z.enum(['inbound', 'outbound']),
  sender: z.object({
    type: senderType,
    userId: z.number().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable().default(null),
  }),
  content: messageContentSchema,
  text: z.string(),
  status: deliveryStatus,
  statusHistory: z.array(z.object({ status: deliveryStatus, at: z.number() })),
  failureReason: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  createdAt: z.number(),
});

/** Built once: zod compiles a schema on first use, and this runs for every message event. */
const withMessage = z.object({ message });

export interface WidgetMessageEvent {
  readonly channelId: number;
  readonly contactId: number;
  readonly message: MessageSnapshot;
  /** How the sending agent is named to the visitor (agent messages only). */
  readonly agentName: string | null;
}

/** The event, when it concerns a web channel and is well formed; undefined otherwise. */
export function webMessageEvent(data: unknown): WidgetMessageEvent | undefined {
  const route = routing.safeParse(data);
  if (!route.success || route.data.conversation.channel.provider !== 'web') return undefined;
  const body = withMessage.safeParse(data);
  if (!body.success) return undefined;
  const { conversation } = route.data;
  const sent = body.data.message;
  const agentName =
    sent.sender.type === 'user' ? displayName(sent.sender.name, null, sent.sender.email) : null;
  return {
    channelId: conversation.channel.id,
    contactId: conversation.contact.id,
    message: sent,
    agentName,
  };
}
