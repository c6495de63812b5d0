import { z } from 'zod';

/**
 * The WhatsApp webhook payload as Meta's Cloud API sends it (`entry[].changes[].value`) and
 * as the on-premise API (still offered by 360dialog) sends it (`messages`, `statuses`,
 * `contacts` at the top level). Only the fields Parley reads are declared; zod strips the
 * rest. Each message and status is parsed on its own, so one Parley does not know yet
 * never hides the others.
 */

const mediaObject = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  /** Audio recorded in the app (a voice note) rather than a sent audio file. */
  voice: z.boolean().optional(),
});

const contactCard = z.object({
  name: z
    .object({
      formatted_name: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
    })
    .optional(),
  phones: z
    .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() }))
    .optional(),
  emails: z.array(z.object({ email: z.string().optional() })).optional(),
});

export const waMessage = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  type: z.string(),
  context: z.object({ id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: mediaObject.optional(),
  video: mediaObject.optional(),
  audio: mediaObject.optional(),
  voice: mediaObject.optional(),
  document: mediaObject.optional(),
  sticker: mediaObject.optional(),
  location: z
    .object({
      latitude: z.coerce.number().min(-90).max(90),
      longitude: z.coerce.number().min(-180).max(180),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  contacts: z.array(contactCard).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z
        .object({ id: z.string(), title: z.string(), description: z.string().optional() })
        .optional(),
      /** A completed WhatsApp Flow: its answers as a JSON string. */
      nfm_reply: z
        .object({
          response_json: z.string(),
          body: z.string().optional(),
          name: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** A template's quick-reply button. */
  button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
  order: z
    .object({
      catalog_id: z.string().optional(),
      text: z.string().optional(),
      product_items: z
        .array(
          z.object({
            product_retailer_id: z.string(),
            quantity: z.coerce.number().optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});
export type WaMessage = z.infer<typeof waMessage>;

export const waStatus = z.object({
  id: z.string().min(1),
  status: z.string(),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        /** On-premise errors carry `details` directly, Cloud ones in `error_data`. */
        details: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});
export type WaStatus = z.infer<typeof waStatus>;

export const waContact = z.object({
  wa_id: z.string().min(1),
  profile: z.object({ name: z.string().optional() }).optional(),
});

/** One `value` (Cloud) or a whole on-premise body: the same three arrays. */
export const waValue = z.object({
  metadata: z.object({ phone_number_id: z.string() }).optional(),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});
export type WaValue = z.infer<typeof waValue>;

export const waEnvelope = z.object({
  entry: z.array(
    z.object({
      changes: z.array(z.object({ field: z.string().optional(), value: z.unknown() })).default([]),
    }),
  ),
});
