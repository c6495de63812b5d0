import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';

/**
 * Work a block needs done outside the engine (network, sandboxed code, mail, messages to
 * other numbers, AI). The block parks with a `call` effect; the caller performs the call
 * within its timeout and resumes the node with a `call_result` event, so the engine never
 * does I/O. A schema, not just a type, because calls travel through the job queue.
 */
export const httpCallRequestSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
});

export const externalCallSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http'), request: httpCallRequestSchema }),
  z.object({
    kind: z.literal('code'),
    code: z.string(),
    variables: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('email'),
    to: z.array(z.string()).min(1),
    subject: z.string(),
    text: z.string(),
    replyTo: z.string().optional(),
  }),
  z.object({
    kind: z.literal('notify'),
    channelType: z.enum(['whatsapp', 'sms']),
    to: z.string(),
    content: messageContentSchema,
  }),
  z.object({
    kind: z.literal('ai'),
    question: z.string(),
    knowledgeBaseId: z.string().optional(),
    instructions: z.string().optional(),
    promptName: z.string().optional(),
    functions: z.array(z.string()).optional(),
    maxTurns: z.number().int().positive().optional(),
  }),
]);

/** The failure of an `ai` call when the account's AI credits are used up. */
export const AI_UNAVAILABLE = 'ai_unavailable';

export type ExternalCall = z.infer<typeof externalCallSchema>;
export type HttpCallRequest = z.infer<typeof httpCallRequestSchema>;
