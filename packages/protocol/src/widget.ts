import { z } from 'zod';
import { deliveryStatus, messageContentSchema, senderType } from './message.js';

/**
 * The web widget's wire protocol: what the browser bundle (apps/widget) and the server's
 * visitor API (`/widget/api/*`, `/widget/ws`) say to each other. Both sides validate with
 * these schemas, so a change here is a change to both.
 *
 * A visitor is identified by an opaque `visitor_token` (kept in localStorage, or a cookie),
 * sent as `Authorization: Bearer <token>` on HTTP and as `?token=` on the socket.
 */

/** Appearance of one web channel (WotNot's "Chatbot Appearance"). */
export const widgetAppearanceSchema = z.object({
  title: z.string().max(80).default('Chat with us'),
  subtitle: z.string().max(160).default('We usually reply in a few minutes'),
  welcomeText: z.string().max(500).default(''),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#2563eb'),
  textColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#ffffff'),
  avatarUrl: z.url().max(2_048).nullable().default(null),
  launcherIconUrl: z.url().max(2_048).nullable().default(null),
  position: z.enum(['right', 'left']).default('right'),
  /** Extra CSS, applied inside the widget's shadow root only. */
  customCss: z.string().max(20_000).default(''),
  /** Largest width/height an image in a message is shown at, in CSS pixels. */
  imageMaxWidth: z.number().int().min(80).max(800).default(240),
  imageMaxHeight: z.number().int().min(80).max(800).default(240),
  /** Pop-up (proactive) messages shown next to the closed launcher. */
  popups: z
    .array(
      z.object({
        text: z.string().min(1).max(300),
        delaySeconds: z.number().int().min(0).max(3_600).default(5),
        /** Shown only on pages whose URL contains this text (empty: every page). */
        urlContains: z.string().max(500).default(''),
      }),
    )
    .max(10)
    .default([]),
  /** Open the chat on page load. */
  openOnLoad: z.boolean().default(false),
});

export type WidgetAppearance = z.infer<typeof widgetAppearanceSchema>;

/** When the widget starts the bot on its own (the flow's Trigger block, web triggers). */
export const widgetTriggerSchema = z.object({
  urlContains: z.string().max(500).optional(),
  firstVisitOnly: z.boolean().optional(),
  secondsOnPage: z.number().int().min(0).max(3_600).optional(),
});

/** `GET /widget/api/config?bot_key=…` (or `?preview_key=…`). */
export const widgetConfigSchema = z.object({
  botKey: z.string(),
  botTitle: z.string(),
  appearance: widgetAppearanceSchema,
  /** Start the bot by itself when one of these holds (none: start when opened). */
  triggers: z.array(widgetTriggerSchema),
  /** The channel demands an `identity_hash` with `identify` (identity verification). */
  identityVerification: z.boolean(),
  /** Largest file a visitor may upload, in bytes. */
  maxUploadBytes: z.number().int().positive(),
  preview: z.boolean(),
});

export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

/** A message as the widget shows it. `seq` orders messages and is the resume cursor. */
export const widgetMessageSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  direction: z.enum(['inbound', 'outbound']),
  sender: z.object({
    type: senderType,
    /** An agent's display name; null for the bot, the contact and the system. */
    name: z.string().nullable(),
  }),
  content: messageContentSchema,
  status: deliveryStatus,
  createdAt: z.number(),
  /** The client's id for a message it sent (dedupes a retried send and the echo). */
  clientId: z.string().nullable(),
});

export type WidgetMessage = z.infer<typeof widgetMessageSchema>;

export const widgetContactSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** The contact was identified with a valid `identity_hash`. */
  verified: z.boolean(),
});

/** `POST /widget/api/sessions` body: open (or resume) the visitor's session. */
export const widgetSessionRequestSchema = z
  .object({
    bot_key: z.string().min(1).max(64).optional(),
    preview_key: z.string().min(1).max(64).optional(),
    /** The token stored by an earlier visit; a new visitor is made when absent or invalid. */
    visitor_token: z.string().max(512).optional(),
    /** The page the widget runs on (web triggers, the inbox shows it). */
    page_url: z.string().max(2_048).optional(),
  })
  .refine((body) => (body.bot_key === undefined) !== (body.preview_key === undefined), {
    message: 'give bot_key or preview_key',
  });

export const widgetSessionSchema = z.object({
  visitor_token: z.string(),
  /** The visitor's current conversation; null until the first message or `start`. */
  conversation_id: z.string().nullable(),
  messages: z.array(widgetMessageSchema),
  /** The largest `seq` in `messages` (0 when none): pass it back as `after`. */
  cursor: z.number().int(),
  contact: widgetContactSchema,
});

export type WidgetSession = z.infer<typeof widgetSessionSchema>;

/** `POST /widget/api/messages` body. */
export const widgetSendSchema = z.object({
  /** The client's own id for this message (a UUID): a retried send is stored once. */
  client_id: z.string().min(8).max(64),
  content: messageContentSchema,
});

/** What the server asks the visitor's page to do (the flow's Javascript block). */
export const widgetActionSchema = z.object({
  id: z.string(),
  type: z.literal('javascript'),
  code: z.string(),
});

export type WidgetAction = z.infer<typeof widgetActionSchema>;

/** `GET /widget/api/messages?after=<seq>&wait=<seconds>`: the long-polling fallback. */
export const widgetPollSchema = z.object({
  messages: z.array(widgetMessageSchema),
  statuses: z.array(z.object({ id: z.string(), status: deliveryStatus })),
  actions: z.array(widgetActionSchema),
  cursor: z.number().int(),
});

/** `POST /widget/api/identify` body. */
export const widgetIdentifySchema = z.object({
  name: z.string().trim().min(1).max(256).optional(),
  email: z.email().max(320).optional(),
  phone: z.string().min(3).max(32).optional(),
  /** The host site's own id for this person; needs `identity_hash` when verification is on. */
  user_id: z.string().min(1).max(256).optional(),
  /** HMAC-SHA256 hex of `user_id` (or of `email` when no user_id) with the channel's secret. */
  identity_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** `POST /widget/api/variables` body (`Parley.setVariables`). */
export const widgetVariablesSchema = z.object({
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

/** `POST /widget/api/uploads` answer (multipart, one `file` field). */
export const widgetUploadSchema = z.object({
  media: z.object({
    url: z.string(),
    mediaId: z.string(),
    mime: z.string(),
    size: z.number().int(),
    filename: z.string(),
  }),
  kind: z.enum(['image', 'video', 'audio', 'document']),
});

/** Socket frames, server → widget. */
export const widgetServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), cursor: z.number().int() }),
  z.object({ type: z.literal('message'), message: widgetMessageSchema }),
  z.object({ type: z.literal('status'), id: z.string(), status: deliveryStatus }),
  z.object({ type: z.literal('typing'), on: z.boolean(), name: z.string().nullable() }),
  z.object({ type: z.literal('action'), action: widgetActionSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export type WidgetServerFrame = z.infer<typeof widgetServerFrameSchema>;

/** Socket frames, widget → server. */
export const widgetClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing'), on: z.boolean() }),
]);

export type WidgetClientFrame = z.infer<typeof widgetClientFrameSchema>;

/** Widget error envelope (every `/widget/api` error). */
export const widgetErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
