import { z } from 'zod';

/** Bodies of WotNot's conversation endpoints, as the Public APIs page shows them. */
export const wotnotChannelTypes = {
  WHATSAPP: 'whatsapp',
  SMS: 'sms',
  TELEGRAM: 'telegram',
  FACEBOOK: 'messenger',
  MESSENGER: 'messenger',
  INSTAGRAM: 'instagram',
  EMAIL: 'email',
  WEB: 'web',
  API: 'api',
} as const;

const channelName = z.enum([
  'WHATSAPP',
  'SMS',
  'TELEGRAM',
  'FACEBOOK',
  'MESSENGER',
  'INSTAGRAM',
  'EMAIL',
  'WEB',
  'API',
]);

const templateData = z.object({
  template: z.string().min(1),
  language: z.string().optional(),
  parameters: z
    .object({
      header: z.array(z.string()).default([]),
      body: z.array(z.string()).default([]),
      buttons: z.record(z.string(), z.string()).default({}),
    })
    .default({ header: [], body: [], buttons: {} }),
  variables: z.record(z.string(), z.unknown()).default({}),
});

export const createConversationBody = z.object({
  channel: channelName,
  from: z.string().min(1).max(64).optional(),
  to: z
    .object({
      phone: z.string().min(3).max(32).optional(),
      name: z.string().max(256).optional(),
      email: z.email().optional(),
    })
    .refine((to) => to.phone !== undefined || to.email !== undefined, {
      message: 'must contain at least one of [phone, email]',
    }),
  message: z.discriminatedUnion('type', [
    z.object({ type: z.literal('template'), data: templateData }),
    z.object({ type: z.literal('text'), text: z.string().min(1).max(4_096) }),
  ]),
  assignee: z.email().optional(),
});
export type CreateConversationBody = z.infer<typeof createConversationBody>;

const fileSchema = z.object({
  path: z.url(),
  size: z.number().int().nonnegative().optional(),
  type: z.string().max(255).optional(),
  name: z.string().max(255).optional(),
});

export const agentMessageBody = z.object({
  message: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), data: z.object({ body: z.string().min(1).max(4_096) }) }),
    z.object({ type: z.literal('file'), file: fileSchema }),
    z.object({ type: z.literal('voice'), file: fileSchema }),
    z.object({ type: z.literal('template'), data: templateData }),
  ]),
  user: z.object({ by: z.email() }),
});
export type AgentMessageBody = z.infer<typeof agentMessageBody>;

export const conversationEventBody = z.union([
  z.object({
    event: z.literal('status'),
    status: z.enum(['CLOSE', 'OPEN']),
    user: z.object({ by: z.email() }).optional(),
  }),
  z.object({ event: z.literal('assignee'), user: z.object({ by: z.email(), to: z.email() }) }),
  z.object({
    event: z.literal('assignee'),
    team: z.object({ by: z.email(), to: z.string().min(1) }),
  }),
]);

export const variablesBody = z.object({
  variables: z
    .array(
      z.object({
        name: z.string().min(1).max(128),
        type: z.enum(['conversation', 'contact']),
        value: z.unknown(),
      }),
    )
    .min(1),
});
