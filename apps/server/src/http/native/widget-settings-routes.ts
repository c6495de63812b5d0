import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { widgetAppearanceSchema } from '@parley/protocol';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { parseWebChannelConfig } from '../../widget/web-channel-config.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: channels'];
const READ = { auth: { mode: 'principal' } } as const;
const MANAGE = {
  auth: { mode: 'principal', permission: 'channel_configuration.web.appearance' },
} as const;

const settingsSchema = z.object({
  appearance: widgetAppearanceSchema,
  identity_verification: z.boolean(),
  /** Whether an identity secret is stored (the secret itself is never shown again). */
  identity_secret_set: z.boolean(),
});

const params = z.object({ id: z.coerce.number().int().positive() });

/**
 * A web channel's widget settings (WotNot's "Chatbot Appearance" and identity verification):
 * validated here, so a widget never receives a colour it cannot paint. The builder previews
 * changes live with `Parley.setAppearance()` before saving them here.
 */
export function registerWidgetSettingsRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const webChannel = async (accountId: number, id: number) => {
    const channel = await services.channels.get(accountId, id);
    if (channel.provider !== 'web') {
      throw new DomainError('BAD_REQUEST', { message: 'Only web channels have widget settings.' });
    }
    return channel;
  };
  const view = (config: string, secret: string | undefined) => {
    const settings = parseWebChannelConfig(config);
    return {
      appearance: settings.appearance,
      identity_verification: settings.identityVerification,
      identity_secret_set: secret !== undefined && secret !== '',
    };
  };

  api.get('/channels/:id/widget', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: "A web channel's widget appearance and identity verification",
      params,
      response: { 200: settingsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const channel = await webChannel(principalOf(request).accountId, request.params.id);
      return view(channel.config, services.channels.secretsOf(channel).identitySecret);
    },
  });

  api.put('/channels/:id/widget', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: "Change a web channel's widget appearance and identity verification",
      params,
      body: z.object({
        appearance: widgetAppearanceSchema.partial().optional(),
        identity_verification: z.boolean().optional(),
        /** The HMAC key the host's server signs `identity_hash` with (16+ characters). */
        identity_secret: z.string().min(16).max(256).optional(),
      }),
      response: { 200: settingsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const channel = await webChannel(accountId, request.params.id);
      const current = parseWebChannelConfig(channel.config);
      const stored: unknown = JSON.parse(channel.config);
      const rest = z.record(z.string(), z.unknown()).catch({}).parse(stored);
      const secrets = services.channels.secretsOf(channel);
      const { appearance, identity_verification, identity_secret } = request.body;
      const secret = identity_secret ?? secrets.identitySecret;
      const verification = identity_verification ?? current.identityVerification;
      if (verification && (secret === undefined || secret === '')) {
        throw new DomainError('BAD_REQUEST', {
          message: 'Identity verification needs identity_secret (16 characters or more).',
        });
      }
      const updated = await services.channels.update(accountId, channel.id, {
        config: {
          ...rest,
          appearance: { ...current.appearance, ...appearance },
          identityVerification: verification,
        },
        ...(identity_secret === undefined
          ? {}
          : { secrets: { ...secrets, identitySecret: identity_secret } }),
      });
      return view(updated.config, secret);
    },
  });
}
