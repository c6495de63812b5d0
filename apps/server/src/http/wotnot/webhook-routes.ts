import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebhooksService } from '../../core/webhooks/webhooks-service.js';
import { WOTNOT_EVENT_KEYS } from '../../core/webhooks/wotnot-event-payloads.js';
import { wotnotErrors } from './wotnot-errors.js';
import { accountParams, looseBoolean, okResponse, wotnotErrorResponse } from './wotnot-schemas.js';

/** The seed's body; `webhook_url` may be empty only when the webhook is switched off. */
const webhookBody = z
  .object({
    webhook_url: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2_048)]),
    subscribed_events: z
      .array(
        z.object({
          key: z.enum(WOTNOT_EVENT_KEYS),
          is_subscribed: looseBoolean,
        }),
      )
      .max(50),
    is_enabled: looseBoolean.default(true),
    token: z.string().min(1).max(256),
  })
  .refine((body) => !body.is_enabled || body.webhook_url !== '', {
    message: 'is not allowed to be empty',
    path: ['webhook_url'],
  });

/** WotNot's "Set webhook URL for Events feature". */
export function registerWotnotWebhookRoutes(app: FastifyInstance, webhooks: WebhooksService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/accounts/:account/webhook', {
    config: {
      errors: wotnotErrors,
      auth: { mode: 'principal', accountParam: 'account', permission: 'account_settings.events' },
    },
    schema: {
      tags: ['WotNot: events'],
      summary: 'Set webhook URL for Events feature',
      description:
        'Verifies the URL first when enabled: it receives {"type":"verification","token"} and must answer 200 echoing the token. Deliveries carry X-Parley-Delivery, X-Parley-Event, X-Parley-Timestamp and X-Parley-Signature (sha256 HMAC of "<timestamp>.<body>" keyed by the token).',
      params: accountParams,
      body: webhookBody,
      response: {
        200: okResponse,
        400: wotnotErrorResponse,
        401: wotnotErrorResponse,
        403: wotnotErrorResponse,
      },
    },
    handler: async (request) => {
      const { webhook_url, subscribed_events, is_enabled, token } = request.body;
      await webhooks.configure(Number(request.params.account), {
        url: webhook_url,
        subscribedEvents: subscribed_events
          .filter((event) => event.is_subscribed)
          .map((event) => event.key),
        enabled: is_enabled,
        token,
      });
      return { ok: true as const };
    },
  });
}
