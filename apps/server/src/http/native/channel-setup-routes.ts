import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: channels'];
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.settings' } } as const;

/**
 * What to configure at the provider (the webhook URL and, for Meta, the verify token) and
 * a "send a test message" button for a connected channel.
 */
export function registerChannelSetupRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = runtime;

  api.get('/channels/:id/setup', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'The webhook URL (and verify token) to configure at the provider',
      params: idParam,
      response: {
        200: z.object({
          provider: z.string(),
          webhook_url: z.string(),
          verify_token: z.string().nullable(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const channel = await services.channels.get(
        principalOf(request).accountId,
        request.params.id,
      );
      return {
        provider: channel.provider,
        webhook_url: `${config.publicUrl}/webhooks/channels/${channel.public_key}`,
        verify_token: services.channels.secretsOf(channel).verify_token ?? null,
      };
    },
  });

  api.post('/channels/:id/test', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Send a test message through the channel',
      params: idParam,
      body: z.object({
        to: z.string().min(1).max(256),
        text: z.string().min(1).max(1_000).default('Test message from Parley'),
      }),
      response: {
        202: z.object({ conversation_id: z.string(), message_id: z.string() }),
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const channel = await services.channels.get(accountId, request.params.id);
      const { to, text } = request.body;
      const { conversation, message } = await services.conversations.start(accountId, {
        channel,
        contact: {
          externalId: to,
          phone: /^\+?[\d\s()-]{5,}$/.test(to) ? to : null,
          email: to.includes('@') ? to : null,
        },
        content: { type: 'text', text },
      });
      // Accepted: the send job delivers it; its status shows on the message.
      return reply
        .code(202)
        .send({ conversation_id: conversation.public_id, message_id: message.public_id });
    },
  });
}
