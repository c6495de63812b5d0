import { messageContentSchema } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import { verifyWebhookSignature } from '../../core/webhooks/webhook-signature.js';
import type { Runtime } from '../../runtime.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import { PUBLIC } from '../route-config.js';

const TAGS = ['Channel webhooks'];
const params = z.object({ key: z.string().min(16).max(64) });
const signed = z
  .object({ 'x-parley-timestamp': z.string().max(20), 'x-parley-signature': z.string().max(200) })
  .loose();

/**
 * Inbound webhooks of the plain API channel, at `/webhooks/api/:key` (the channel's public
 * key). Every request must be signed with the channel secret, as Parley signs its own
 * webhooks; anything else is refused before its body is looked at.
 */
export function registerApiChannelWebhooks(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { services } = runtime;

  api.post('/webhooks/api/:key', {
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'A contact message arriving through the API channel',
      security: [],
      params,
      headers: signed,
      body: z.object({
        from: z.string().min(1).max(256),
        name: z.string().max(256).optional(),
        email: z.email().optional(),
        phone: z.string().max(32).optional(),
        message_id: z.string().min(1).max(256).optional(),
        content: messageContentSchema,
      }),
      response: {
        200: z.object({
          ok: z.literal(true),
          outcome: z.enum(['accepted', 'duplicate', 'blocked']),
          conversation_id: z.string().nullable(),
          message_id: z.string().nullable(),
        }),
      },
    },
    handler: async (request) => {
      const channel = await verifiedChannel(runtime, request, request.params.key);
      const { from, name, email, phone, message_id, content } = request.body;
      const result = await services.conversations.receive(channel.account_id, {
        channel,
        contact: {
          externalId: from,
          name: name ?? null,
          email: email ?? null,
          phone: phone ?? null,
        },
        content,
        providerMessageId: message_id ?? null,
      });
      return result.outcome === 'blocked'
        ? { ok: true as const, outcome: result.outcome, conversation_id: null, message_id: null }
        : {
            ok: true as const,
            outcome: result.outcome,
            conversation_id: result.conversation.public_id,
            message_id: result.message.public_id,
          };
    },
  });

  api.post('/webhooks/api/:key/status', {
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'A delivery status for a message Parley sent through the API channel',
      security: [],
      params,
      headers: signed,
      body: z.object({
        message_id: z.string().min(1).max(64),
        status: z.enum(['delivered', 'read', 'failed']),
        reason: z.string().max(1_000).optional(),
      }),
      response: { 200: z.object({ ok: z.literal(true), applied: z.boolean() }) },
    },
    handler: async (request) => {
      const channel = await verifiedChannel(runtime, request, request.params.key);
      const message = await runtime.database.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', channel.account_id)
        .where('channel_id', '=', channel.id)
        .where('public_id', '=', request.body.message_id)
        .executeTakeFirst();
      if (message === undefined)
        throw new DomainError('RESOURCE_NOT_FOUND', {
          message: 'No such message on this channel.',
        });
      const applied = await services.messages.applyStatus(
        channel.account_id,
        message.id,
        request.body.status,
        { reason: request.body.reason },
      );
      return { ok: true as const, applied };
    },
  });
}

/** The channel named by its public key, if the request is signed with its secret. */
async function verifiedChannel(
  runtime: Runtime,
  request: FastifyRequest,
  key: string,
): Promise<ChannelRow> {
  // The one unscoped channel read: the public key names the account, as a token would.
  const channel = await runtime.database.db
    .selectFrom('channels')
    .selectAll()
    .where('public_key', '=', key)
    .where('provider', '=', 'api')
    .executeTakeFirst();
  const secret =
    channel === undefined ? undefined : runtime.services.channels.secretsOf(channel).secret;
  const timestamp = request.headers['x-parley-timestamp'];
  const signature = request.headers['x-parley-signature'];
  const body = request.rawBody ?? '';
  if (
    channel === undefined ||
    secret === undefined ||
    typeof timestamp !== 'string' ||
    typeof signature !== 'string' ||
    !verifyWebhookSignature(secret, timestamp, body, signature)
  ) {
    throw new DomainError('UNAUTHORIZED', {
      message: "The request is not signed with this channel's secret.",
    });
  }
  if (channel.enabled === 0) throw new DomainError('CHANNEL_NOT_ENABLED');
  return channel;
}
