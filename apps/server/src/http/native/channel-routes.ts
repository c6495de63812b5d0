import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

/** A channel's stored config: an object (anything else reads as empty). */
const storedConfig = z.record(z.string(), z.unknown()).catch({});

const TAGS = ['Native: channels'];
const READ = { auth: { mode: 'principal' } } as const;
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.settings' } } as const;
const channelTypes = z.enum([
  'api',
  'sandbox',
  'web',
  'whatsapp',
  'sms',
  'telegram',
  'messenger',
  'instagram',
  'email',
]);

const channelSchema = z.object({
  id: z.number(),
  type: channelTypes,
  provider: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  phone_number: z.string().nullable(),
  external_id: z.string().nullable(),
  public_key: z.string(),
  config: z.record(z.string(), z.unknown()),
  has_secrets: z.boolean(),
  created_at: z.string(),
});

function channelDto(channel: ChannelRow): z.infer<typeof channelSchema> {
  const config: unknown = JSON.parse(channel.config);
  return {
    id: channel.id,
    type: channel.type,
    provider: channel.provider,
    name: channel.name,
    enabled: channel.enabled === 1,
    phone_number: channel.phone_number,
    external_id: channel.external_id,
    public_key: channel.public_key,
    config: storedConfig.parse(config),
    has_secrets: channel.secrets !== null,
    created_at: new Date(channel.created_at).toISOString(),
  };
}

/**
 * Channels as records (the providers arrive with the channels issue). The `sandbox`
 * provider stands in for any type, records what it sent, and accepts simulated inbound
 * messages, so a whole conversation can be driven without a provider.
 */
export function registerChannelRoutes(
  app: FastifyInstance,
  { services, sandbox, adapters }: Runtime,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/channels', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List channels',
      response: { 200: z.object({ channels: z.array(channelSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      channels: (await services.channels.list(principalOf(request).accountId)).map(channelDto),
    }),
  });

  api.post('/channels', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Connect a channel',
      body: z.object({
        type: channelTypes,
        provider: z
          .string()
          .regex(/^[a-z0-9_]{2,32}$/)
          .describe('`sandbox`, `api`, or a provider: `whatsapp_cloud`, `d360`, `twilio`, …'),
        name: z.string().trim().min(1).max(100),
        phone_number: z.string().max(32).optional(),
        external_id: z.string().max(256).optional(),
        config: z.record(z.string(), z.unknown()).optional(),
        secrets: z.record(z.string(), z.string()).optional(),
      }),
      response: { 201: channelSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { type, provider, name, phone_number, external_id, config, secrets } = request.body;
      const adapter = adapters.get(provider);
      const known = provider === 'sandbox' || provider === 'api' || adapter !== undefined;
      if (!known || (adapter !== undefined && !adapter.channelTypes.includes(type))) {
        throw new DomainError('BAD_REQUEST', {
          message: `Unknown provider "${provider}" for a ${type} channel.`,
        });
      }
      const channel = await services.channels.create(principalOf(request).accountId, {
        type,
        provider,
        name,
        phoneNumber: phone_number,
        externalId: external_id,
        config,
        secrets,
      });
      return reply.status(201).send(channelDto(channel));
    },
  });

  api.patch('/channels/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Rename, enable or disable a channel, or change its settings',
      params: idParam,
      body: z.object({
        name: z.string().trim().min(1).max(100).optional(),
        enabled: z.boolean().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
        secrets: z.record(z.string(), z.string()).optional(),
      }),
      response: { 200: channelSchema, ...errorResponses },
    },
    handler: async (request) =>
      channelDto(
        await services.channels.update(
          principalOf(request).accountId,
          request.params.id,
          request.body,
        ),
      ),
  });

  api.get('/channels/:id/sandbox/sent', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'What a sandbox channel has "sent" (this process only)',
      params: idParam,
      response: {
        200: z.object({
          sent: z.array(
            z.object({
              provider_message_id: z.string(),
              message_id: z.string(),
              to: z.string(),
              content: messageContentSchema,
              at: z.number(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const channel = await sandboxChannel(
        services,
        principalOf(request).accountId,
        request.params.id,
      );
      return {
        sent: sandbox.sent(channel.id).map((send) => ({
          provider_message_id: send.providerMessageId,
          message_id: send.message.id,
          to: send.message.recipient.externalId,
          content: send.message.content,
          at: send.at,
        })),
      };
    },
  });

  api.post('/channels/:id/sandbox/inbound', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Simulate a message from a contact on a sandbox channel',
      params: idParam,
      body: z.object({
        from: z.string().min(1).max(256),
        name: z.string().max(256).optional(),
        content: messageContentSchema,
        provider_message_id: z.string().max(256).optional(),
      }),
      response: {
        200: z.object({
          outcome: z.enum(['accepted', 'duplicate', 'blocked']),
          conversation_id: z.string().nullable(),
          message_id: z.string().nullable(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const channel = await sandboxChannel(services, accountId, request.params.id);
      const { from, name, content, provider_message_id } = request.body;
      const result = await services.conversations.receive(accountId, {
        channel,
        contact: {
          externalId: from,
          name: name ?? null,
          phone: from.startsWith('+') ? from : null,
          email: from.includes('@') ? from : null,
        },
        content,
        providerMessageId: provider_message_id ?? null,
      });
      return result.outcome === 'blocked'
        ? { outcome: result.outcome, conversation_id: null, message_id: null }
        : {
            outcome: result.outcome,
            conversation_id: result.conversation.public_id,
            message_id: result.message.public_id,
          };
    },
  });
}

async function sandboxChannel(
  services: Runtime['services'],
  accountId: number,
  channelId: number,
): Promise<ChannelRow> {
  const channel = await services.channels.get(accountId, channelId);
  if (channel.provider !== 'sandbox')
    throw new DomainError('BAD_REQUEST', { message: 'Not a sandbox channel.' });
  return channel;
}
