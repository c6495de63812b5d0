import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.js';
import type { ServiceContext } from '../context.js';
import {
  ChannelSendError,
  type ChannelSenders,
  type OutboundMessage,
} from '../channels/channel-sender.js';
import { readBehaviour } from '../channels/sandbox-sender.js';
import type { MessagesService } from './messages-service.js';
import { PreparedQuery } from '../../storage/prepared-query.js';

/** What a send needs of the message, its conversation and its contact, in one read: prepared. */
const messageToSend = new PreparedQuery<
  { accountId: number; messageId: number },
  {
    status: string;
    public_id: string;
    content: string;
    channel_id: number;
    conversation_public_id: string;
    last_inbound_at: number | null;
    phone: string | null;
    email: string | null;
    key: string;
    name: string | null;
    external_id: string | null;
  }
>((db, param) =>
  db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .leftJoin('contact_identities', (join) =>
      join
        .onRef('contact_identities.contact_id', '=', 'contacts.id')
        .onRef('contact_identities.channel_id', '=', 'messages.channel_id')
        .on('contact_identities.account_id', '=', param('accountId')),
    )
    .select([
      'messages.status',
      'messages.public_id',
      'messages.content',
      'messages.channel_id',
      'conversations.public_id as conversation_public_id',
      'conversations.last_inbound_at',
      'contacts.phone',
      'contacts.email',
      'contacts.key',
      'contacts.name',
      'contact_identities.external_id',
    ])
    .where('messages.account_id', '=', param('accountId'))
    .where('conversations.account_id', '=', param('accountId'))
    .where('contacts.account_id', '=', param('accountId'))
    .where('messages.id', '=', param('messageId')),
);

/**
 * `message.send`: delivers one queued message through its channel's sender, then records
 * "sent" (or "failed" with the reason). A message no longer `queued` was already handled
 * (the job ran before and the worker died after the send): it is not sent again.
 */
export function messageSendJob(
  context: ServiceContext,
  senders: ChannelSenders,
  messages: MessagesService,
): JobDefinition<'message.send'> {
  return {
    name: 'message.send',
    payload: z.object({ accountId: z.number(), messageId: z.number() }),
    async handle({ accountId, messageId }, job) {
      const { db } = context;
      const message = await messageToSend.takeFirst(db, { accountId, messageId });
      if (message?.status !== 'queued') return;
      const channel = await context.caches.channel(db, accountId, message.channel_id);
      if (channel === undefined) throw new Error(`channel ${String(message.channel_id)} is gone`);
      if (channel.enabled === 0) {
        await messages.applyStatus(accountId, messageId, 'failed', {
          reason: 'The channel is disabled.',
        });
        return;
      }
      const outbound: OutboundMessage = {
        id: message.public_id,
        conversationId: message.conversation_public_id,
        content: messageContentSchema.parse(JSON.parse(message.content)),
        recipient: {
          externalId: message.external_id ?? message.phone ?? message.email ?? message.key,
          phone: message.phone,
          email: message.email,
          name: message.name,
        },
        lastInboundAt: message.last_inbound_at,
      };
      try {
        const result = await senders.for(channel.provider).send(channel, outbound);
        await messages.applyStatus(accountId, messageId, 'sent', {
          providerMessageId: result.providerMessageId,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const permanent = error instanceof ChannelSendError && !error.retryable;
        if (permanent || job.attempt >= job.maxAttempts) {
          await messages.applyStatus(accountId, messageId, 'failed', { reason });
          return;
        }
        throw error;
      }
      if (channel.provider === 'sandbox') {
        const behaviour = readBehaviour(channel);
        if (behaviour.deliverAfterMs !== null) {
          await context.queue.enqueue(
            'message.status',
            { accountId, messageId, status: 'delivered' },
            { accountId, delayMs: behaviour.deliverAfterMs },
          );
          if (behaviour.readAfterMs !== null) {
            await context.queue.enqueue(
              'message.status',
              { accountId, messageId, status: 'read' },
              { accountId, delayMs: behaviour.deliverAfterMs + behaviour.readAfterMs },
            );
          }
        }
      }
    },
  };
}

/** `message.status`: applies a delivery status reported by a provider. */
export function messageStatusJob(messages: MessagesService): JobDefinition<'message.status'> {
  return {
    name: 'message.status',
    payload: z.object({
      accountId: z.number(),
      messageId: z.number(),
      status: z.enum(['sent', 'delivered', 'read', 'failed']),
    }),
    async handle({ accountId, messageId, status }) {
      await messages.applyStatus(accountId, messageId, status);
    },
  };
}
