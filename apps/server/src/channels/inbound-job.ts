import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConversationsService } from '../core/conversations/conversations-service.js';
import type { ServiceContext } from '../core/context.js';
import type { MessagesService } from '../core/messages/messages-service.js';
import type { JobDefinition } from '../jobs/queue.js';
import type { UnitOfWork } from '../storage/transaction.js';
import type { InboundEvent, ProviderRequest } from './adapter.js';
import { channelContext, type ChannelAdapters, type SecretsOf } from './registry.js';

declare module '../jobs/job-types.js' {
  interface JobTypes {
    /** A verified provider webhook, stored before it was acknowledged: parse and apply it. */
    'channel.inbound': {
      readonly accountId: number;
      readonly channelId: number;
      readonly request: {
        readonly method: string;
        readonly url: string;
        readonly headers: Record<string, string>;
        readonly query: Record<string, string>;
        /** The raw body, base64. */
        readonly body: string;
      };
    };
  }
}

const stringRecord = z.record(z.string(), z.string());

/**
 * Persists a verified webhook as a job in the caller's transaction: once the provider gets
 * its 2xx, the webhook is durable, and a slow bot never delays the acknowledgement.
 * Identical redeliveries of one body collapse into one job; different bodies carrying the
 * same message are collapsed later, by provider message id.
 */
export async function enqueueInbound(
  context: ServiceContext,
  unit: UnitOfWork,
  channel: { readonly id: number; readonly account_id: number },
  request: ProviderRequest,
): Promise<void> {
  const digest = createHash('sha256').update(request.body).digest('hex');
  await context.queue.enqueue(
    'channel.inbound',
    {
      accountId: channel.account_id,
      channelId: channel.id,
      request: {
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        query: { ...request.query },
        body: request.body.toString('base64'),
      },
    },
    {
      accountId: channel.account_id,
      idempotencyKey: `channel.inbound:${String(channel.id)}:${digest}`,
    },
    unit,
  );
}

export interface InboundDependencies {
  readonly adapters: ChannelAdapters;
  readonly secretsOf: SecretsOf;
  readonly conversations: Pick<ConversationsService, 'receive'>;
  readonly messages: Pick<MessagesService, 'applyStatus'>;
}

/** `channel.inbound`: the provider's events become messages and delivery statuses. */
export function channelInboundJob(
  context: ServiceContext,
  deps: InboundDependencies,
): JobDefinition<'channel.inbound'> {
  return {
    name: 'channel.inbound',
    payload: z.object({
      accountId: z.number().int().positive(),
      channelId: z.number().int().positive(),
      request: z.object({
        method: z.string(),
        url: z.string(),
        headers: stringRecord,
        query: stringRecord,
        body: z.string(),
      }),
    }),
    async handle({ accountId, channelId, request }, job) {
      const channel = await context.db
        .selectFrom('channels')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', channelId)
        .executeTakeFirst();
      const adapter = channel === undefined ? undefined : deps.adapters.get(channel.provider);
      if (channel === undefined || adapter === undefined) return;
      const providerRequest: ProviderRequest = {
        ...request,
        body: Buffer.from(request.body, 'base64'),
      };
      const events = await adapter.parseInbound(
        channelContext(channel, deps.secretsOf),
        providerRequest,
      );
      let unmatched = 0;
      for (const event of events) {
        if (!(await apply(context, deps, channel, event))) unmatched += 1;
      }
      // A status can overtake the send job's own record of the provider id: try again
      // shortly (messages already applied are not repeated: receive and statuses are
      // idempotent). After a few tries it is a status for a message Parley never sent.
      if (unmatched > 0 && job.attempt < UNMATCHED_STATUS_TRIES) {
        throw new Error(`${String(unmatched)} status(es) for messages not known yet`);
      }
    },
  };
}

const UNMATCHED_STATUS_TRIES = 3;

/** Applies one event; false for a status whose message is not (yet) known. */
async function apply(
  context: ServiceContext,
  deps: InboundDependencies,
  channel: Parameters<ConversationsService['receive']>[1]['channel'],
  event: InboundEvent,
): Promise<boolean> {
  const accountId = channel.account_id;
  if (event.kind === 'message') {
    await deps.conversations.receive(accountId, {
      channel,
      contact: event.contact,
      content: event.content,
      providerMessageId: event.providerMessageId,
    });
    return true;
  }
  const message = await context.db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', accountId)
    .where('channel_id', '=', channel.id)
    .where('provider_message_id', '=', event.providerMessageId)
    .where('direction', '=', 'outbound')
    .executeTakeFirst();
  if (message === undefined) return false;
  await deps.messages.applyStatus(accountId, message.id, event.status, {
    ...(event.reason === undefined ? {} : { reason: event.reason }),
  });
  return true;
}
