import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChannelContext, ProviderRequest, WebhookVerdict } from '../adapter.js';

/**
 * Meta's webhook envelope for Messenger (`object: "page"`) and Instagram messaging
 * (`object: "instagram"`), as documented for the Messenger Platform: `entry[].messaging[]`,
 * one event per item. Only the fields Parley reads are declared; everything else is
 * stripped, and an item that does not fit is skipped on its own (never the whole batch).
 */

const attachmentSchema = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      sticker_id: z.number().optional(),
      title: z.string().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});

export const messagingEventSchema = z.object({
  sender: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string().min(1) }),
  timestamp: z.number().optional(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      reply_to: z.object({ mid: z.string().optional() }).optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .optional(),
  postback: z
    .object({ title: z.string().optional(), payload: z.string(), mid: z.string().optional() })
    .optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
});

export type MessagingEvent = z.infer<typeof messagingEventSchema>;
export type GraphAttachment = z.infer<typeof attachmentSchema>;

const envelopeSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.object({ id: z.string(), messaging: z.array(z.unknown()).optional().default([]) }),
  ),
});

/** The `object` value of each product's webhooks. */
export type GraphObject = 'page' | 'instagram';

/**
 * The messaging events of a webhook addressed to this channel: the right product, the
 * channel's page (or Instagram account) id. One app subscribed to several pages sends
 * them all to every callback, so entries for another id are not this channel's business.
 */
export function messagingEventsOf(
  body: Buffer,
  object: GraphObject,
  ownId: string | null,
): MessagingEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success || envelope.data.object !== object) return [];
  const events: MessagingEvent[] = [];
  for (const entry of envelope.data.entry) {
    if (ownId !== null && entry.id !== ownId) continue;
    for (const item of entry.messaging) {
      const event = messagingEventSchema.safeParse(item);
      if (event.success) events.push(event.data);
    }
  }
  return events;
}

/** Equal strings in time independent of where they differ (digests: equal lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'parley-compare').update(given).digest();
  const b = createHmac('sha256', 'parley-compare').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `sha256=<hex>`: what Meta puts in X-Hub-Signature-256 for this body and app secret. */
export function hubSignature(appSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/**
 * The GET subscription handshake (hub.mode / hub.verify_token / hub.challenge) and the
 * X-Hub-Signature-256 check of every POST (HMAC-SHA256 of the raw body with the app
 * secret). A channel without the secret it needs refuses everything rather than trust.
 */
export function verifyGraphWebhook(
  context: ChannelContext,
  request: ProviderRequest,
): WebhookVerdict {
  if (request.method === 'GET') {
    const expected = context.secrets.verify_token ?? '';
    const given = request.query['hub.verify_token'] ?? '';
    if (
      request.query['hub.mode'] !== 'subscribe' ||
      expected === '' ||
      !sameSecret(given, expected)
    ) {
      return { kind: 'reject', status: 403, reason: 'verify token mismatch' };
    }
    return { kind: 'challenge', status: 200, body: request.query['hub.challenge'] ?? '' };
  }
  const appSecret = context.secrets.app_secret ?? '';
  if (appSecret === '') {
    return { kind: 'reject', status: 403, reason: 'the channel has no app_secret' };
  }
  const signature = request.headers['x-hub-signature-256'];
  if (signature === undefined || signature === '') {
    return { kind: 'reject', status: 401, reason: 'missing X-Hub-Signature-256' };
  }
  if (!sameSecret(signature.trim().toLowerCase(), hubSignature(appSecret, request.body))) {
    return { kind: 'reject', status: 401, reason: 'X-Hub-Signature-256 mismatch' };
  }
  return { kind: 'accept' };
}
