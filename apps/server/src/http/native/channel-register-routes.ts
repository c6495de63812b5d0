import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { channelContext } from '../../channels/registry.js';
import { WhatsAppCloudAdapter } from '../../channels/whatsapp-cloud/adapter.js';
import { syncTemplates } from '../../channels/whatsapp-cloud/template-sync.js';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: channels'];
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.settings' } } as const;

/**
 * Provider-side set-up of a channel: registering its webhook where the provider sets it by
 * API (Telegram's setWebhook, 360dialog), and importing WhatsApp templates.
 */
export function registerChannelRegisterRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { services, config, adapters, database } = runtime;

  api.post('/channels/:id/register-webhook', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: "Register the channel's webhook URL at the provider (Telegram setWebhook)",
      params: idParam,
      response: {
        200: z.object({ provider: z.string(), webhook_url: z.string(), registered: z.boolean() }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const channel = await services.channels.get(
        principalOf(request).accountId,
        request.params.id,
      );
      const adapter = adapters.get(channel.provider);
      if (adapter?.registerWebhook === undefined) {
        throw new DomainError('BAD_REQUEST', {
          message: `The ${channel.provider} provider is configured in its own console: use the webhook URL of GET /api/native/channels/${String(channel.id)}/setup.`,
        });
      }
      const webhookUrl = `${config.publicUrl}/webhooks/channels/${channel.public_key}`;
      const context = channelContext(channel, (row) => services.channels.secretsOf(row));
      try {
        await adapter.registerWebhook(context, webhookUrl);
      } catch (error) {
        if (!(error instanceof ChannelSendError)) throw error;
        // The adapter's messages say what to fix (a refused token, an invalid secret).
        throw new DomainError('BAD_REQUEST', { message: error.message });
      }
      return { provider: channel.provider, webhook_url: webhookUrl, registered: true };
    },
  });

  api.post('/channels/:id/sync-templates', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary:
        "Import the WhatsApp Business account's templates (name, language, category, status)",
      params: idParam,
      response: { 200: z.object({ synced: z.number() }), ...errorResponses },
    },
    handler: async (request) => {
      const channel = await services.channels.get(
        principalOf(request).accountId,
        request.params.id,
      );
      const adapter = adapters.get(channel.provider);
      if (!(adapter instanceof WhatsAppCloudAdapter)) {
        throw new DomainError('BAD_REQUEST', {
          message: 'Templates are synced from a WhatsApp Cloud API channel.',
        });
      }
      const context = channelContext(channel, (row) => services.channels.secretsOf(row));
      try {
        const templates = await adapter.listTemplates(context);
        return { synced: await syncTemplates(database.db, channel, templates) };
      } catch (error) {
        if (!(error instanceof ChannelSendError)) throw error;
        throw new DomainError('BAD_REQUEST', { message: error.message });
      }
    },
  });
}
