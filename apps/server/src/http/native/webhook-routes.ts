import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebhookView, WebhooksService } from '../../core/webhooks/webhooks-service.js';
import type { WebhookDeliveryRow } from '../../storage/schema-conversations.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: webhooks'];
/** The URL and the delivery log are the events settings' business, reading included. */
const EVENTS = { auth: { mode: 'principal', permission: 'account_settings.events' } } as const;

const isoTime = (epochMs: number | null) =>
  epochMs === null ? null : new Date(epochMs).toISOString();

const deliveryStatus = z.enum(['pending', 'delivered', 'dead']);

const webhookSchema = z.object({
  id: z.number(),
  url: z.string(),
  subscribed_events: z.array(z.string()),
  enabled: z.boolean(),
  verified_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  deliveries: z.object({ pending: z.number(), delivered: z.number(), dead: z.number() }),
});

const deliverySchema = z.object({
  id: z.number(),
  delivery_id: z.string(),
  webhook_id: z.number(),
  event_type: z.string(),
  lane: z.string(),
  status: deliveryStatus,
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});

function webhookDto(webhook: WebhookView): z.infer<typeof webhookSchema> {
  return {
    id: webhook.id,
    url: webhook.url,
    subscribed_events: [...webhook.subscribedEvents],
    enabled: webhook.enabled,
    verified_at: isoTime(webhook.verifiedAt),
    created_at: new Date(webhook.createdAt).toISOString(),
    updated_at: new Date(webhook.updatedAt).toISOString(),
    deliveries: { ...webhook.deliveries },
  };
}

function deliveryDto(row: WebhookDeliveryRow): z.infer<typeof deliverySchema> {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    webhook_id: row.webhook_id,
    event_type: row.event_type,
    lane: row.lane,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    // Only meaningful while pending (it doubles as the sender's lease otherwise).
    next_attempt_at: row.status === 'pending' ? isoTime(row.next_attempt_at) : null,
    created_at: new Date(row.created_at).toISOString(),
    delivered_at: isoTime(row.delivered_at),
  };
}

/** Event webhook settings and the delivery log (the WotNot endpoint sets the webhook). */
export function registerNativeWebhookRoutes(app: FastifyInstance, webhooks: WebhooksService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/webhooks', {
    config: EVENTS,
    schema: {
      tags: TAGS,
      summary: "The account's event webhook and its delivery counts",
      response: { 200: z.object({ webhooks: z.array(webhookSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      webhooks: (await webhooks.list(principalOf(request).accountId)).map(webhookDto),
    }),
  });

  api.get('/webhooks/deliveries', {
    config: EVENTS,
    schema: {
      tags: TAGS,
      summary: 'The delivery log, newest first',
      querystring: z.object({
        status: deliveryStatus.optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: {
        200: z.object({
          deliveries: z.array(deliverySchema),
          next_before: z.number().nullable(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const page = await webhooks.deliveries(principalOf(request).accountId, request.query);
      return { deliveries: page.deliveries.map(deliveryDto), next_before: page.nextBefore };
    },
  });

  api.post('/webhooks/deliveries/:id/retry', {
    config: EVENTS,
    schema: {
      tags: TAGS,
      summary: 'Send a dead delivery again',
      params: idParam,
      response: { 200: deliverySchema, ...errorResponses },
    },
    handler: async (request) =>
      deliveryDto(await webhooks.retry(principalOf(request).accountId, request.params.id)),
  });
}
