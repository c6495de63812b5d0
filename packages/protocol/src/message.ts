import { z } from 'zod';

/**
 * The canonical message model (DESIGN.md §2): what a bot, an agent or a contact says,
 * independent of any channel. Channel adapters render it to a provider's payload and
 * parse provider payloads into it; anything a channel cannot show has a documented
 * fallback there, never here.
 */

const text = z.string().min(1).max(4_096);
const shortText = z.string().min(1).max(256);
const url = z.url().max(2_048);

export const mediaKind = z.enum(['image', 'video', 'audio', 'voice', 'document', 'sticker']);

/** A file: a public URL, or a media id in Parley's store (or a provider's). */
export const mediaSchema = z
  .object({
    url: url.optional(),
    mediaId: z.string().min(1).max(256).optional(),
    mime: z.string().max(255).optional(),
    size: z.number().int().nonnegative().optional(),
    filename: z.string().max(255).optional(),
  })
  .refine((media) => media.url !== undefined || media.mediaId !== undefined, {
    message: 'needs url or mediaId',
  });

export const buttonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: shortText, title: z.string().min(1).max(64) }),
  z.object({ type: z.literal('url'), title: z.string().min(1).max(64), url }),
  z.object({
    type: z.literal('call'),
    title: z.string().min(1).max(64),
    phone: z.string().min(3).max(32),
  }),
]);

const listRow = z.object({
  id: shortText,
  title: z.string().min(1).max(72),
  description: z.string().max(256).optional(),
});
const card = z.object({
  title: z.string().min(1).max(80),
  subtitle: z.string().max(256).optional(),
  imageUrl: url.optional(),
  buttons: z.array(buttonSchema).max(3).default([]),
});

const formField = z.object({
  name: z.string().min(1).max(64),
  label: z.string().min(1).max(256),
  kind: z.enum(['text', 'email', 'phone', 'number', 'date', 'url', 'textarea', 'select']),
  required: z.boolean().default(false),
  options: z.array(z.string().max(256)).optional(),
});

const templateParameters = z.object({
  header: z.array(z.string()).default([]),
  body: z.array(z.string()).default([]),
  buttons: z.record(z.string(), z.string()).default({}),
});

export const messageContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text }),
  z.object({
    type: z.literal('media'),
    kind: mediaKind,
    media: mediaSchema,
    caption: z.string().max(1_024).optional(),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(256).optional(),
    address: z.string().max(1_024).optional(),
  }),
  z.object({
    type: z.literal('contacts'),
    contacts: z
      .array(
        z.object({
          name: z.string().min(1).max(256),
          phones: z.array(z.string()).default([]),
          emails: z.array(z.string()).default([]),
        }),
      )
      .min(1),
  }),
  z.object({ type: z.literal('buttons'), text, buttons: z.array(buttonSchema).min(1).max(10) }),
  z.object({
    type: z.literal('quick_replies'),
    text,
    replies: z
      .array(z.object({ id: shortText, title: z.string().min(1).max(64) }))
      .min(1)
      .max(13),
  }),
  z.object({
    type: z.literal('list'),
    text,
    buttonText: z.string().min(1).max(20),
    sections: z
      .array(z.object({ title: z.string().max(24).optional(), rows: z.array(listRow).min(1) }))
      .min(1),
  }),
  z.object({ type: z.literal('carousel'), cards: z.array(card).min(1).max(10) }),
  z.object({
    type: z.literal('template'),
    name: shortText,
    language: z.string().max(16).default('en'),
    parameters: templateParameters.default({ header: [], body: [], buttons: {} }),
  }),
  z.object({
    type: z.literal('form'),
    title: z.string().max(256).optional(),
    fields: z.array(formField).min(1),
    submitLabel: z.string().max(64).default('Submit'),
  }),
  z.object({
    type: z.literal('file_request'),
    text,
    accept: z.array(z.string()).default([]),
    maxBytes: z.number().int().positive().optional(),
  }),
  z.object({
    type: z.literal('date_picker'),
    text,
    mode: z.enum(['date', 'time', 'datetime']).default('date'),
    min: z.string().optional(),
    max: z.string().optional(),
  }),
  z.object({
    type: z.literal('slider'),
    text,
    min: z.number(),
    max: z.number(),
    step: z.number().positive().default(1),
  }),
  z.object({
    type: z.literal('product'),
    catalogId: shortText,
    productIds: z.array(shortText).min(1).max(30),
    text: z.string().max(1_024).optional(),
  }),
  /**
   * A WhatsApp Flow (a multi-screen native form). Other channels cannot open it: their
   * adapters show `text` with a link to `fallbackUrl` when there is one.
   */
  z.object({
    type: z.literal('whatsapp_flow'),
    flowId: shortText,
    cta: z.string().min(1).max(30),
    screen: shortText.optional(),
    text,
    fallbackUrl: url.optional(),
  }),
  z.object({ type: z.literal('system'), text }),
  /** What a contact sends back when they press a button, pick a row or submit a form. */
  z.object({
    type: z.literal('reply'),
    replyTo: shortText,
    title: z.string().max(256),
    values: z.record(z.string(), z.string()).optional(),
  }),
]);

export type MessageContent = z.infer<typeof messageContentSchema>;
export type MessageContentType = MessageContent['type'];
export type Button = z.infer<typeof buttonSchema>;

export const messageDirection = z.enum(['inbound', 'outbound']);
export const senderType = z.enum(['contact', 'bot', 'user', 'system']);
export const deliveryStatus = z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed']);

export const statusChangeSchema = z.object({
  status: deliveryStatus,
  at: z.number(),
  reason: z.string().optional(),
});

/** A message's delivery statuses, oldest first. */
export const statusHistorySchema = z.array(statusChangeSchema);

/** A message as the native API and the realtime stream show it. */
export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: messageDirection,
  sender: z.object({ type: senderType, userId: z.number().nullable() }),
  content: messageContentSchema,
  status: deliveryStatus,
  statusHistory: statusHistorySchema,
  failureReason: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  createdAt: z.number(),
});

export type Message = z.infer<typeof messageSchema>;
export type DeliveryStatus = z.infer<typeof deliveryStatus>;
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** The order delivery moves forward in; a late "sent" never overwrites "read". */
const PROGRESS: Readonly<Record<DeliveryStatus, number>> = {
  received: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
};

export function isStatusAdvance(from: DeliveryStatus, to: DeliveryStatus): boolean {
  if (from === 'failed') return false;
  return PROGRESS[to] > PROGRESS[from];
}

/** Plain text of a message, for search, previews and channels that show only text. */
export function contentToText(content: MessageContent): string {
  switch (content.type) {
    case 'text':
    case 'system':
      return content.text;
    case 'media':
      return (
        content.caption ??
        `[${content.kind}${content.media.filename === undefined ? '' : `: ${content.media.filename}`}]`
      );
    case 'location':
      return [content.name, content.address, `${content.latitude},${content.longitude}`]
        .filter((part) => part !== undefined)
        .join(' — ');
    case 'contacts':
      return content.contacts.map((contact) => contact.name).join(', ');
    case 'buttons':
    case 'quick_replies':
    case 'list':
    case 'file_request':
    case 'date_picker':
    case 'slider':
    case 'whatsapp_flow':
      return content.text;
    case 'carousel':
      return content.cards.map((card) => card.title).join(' | ');
    case 'template':
      return [`[template ${content.name}]`, ...content.parameters.body].join(' ');
    case 'form':
      return content.title ?? content.fields.map((field) => field.label).join(', ');
    case 'product':
      return content.text ?? `[products ${content.productIds.join(', ')}]`;
    case 'reply':
      return content.title;
  }
}

/** The published JSON Schema of message content (served at /schemas/message.json). */
export function messageContentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(messageContentSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
