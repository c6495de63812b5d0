import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InboxServices } from '../../core/inbox/inbox-services.js';
import { principalOf } from '../plugins/authenticate.js';
import {
  conversationParam,
  INBOX_READ,
  INBOX_SETTINGS,
  INBOX_WRITE,
  labelDto,
  labelName,
  labelSchema,
  savedReplyDto,
  savedReplySchema,
} from './inbox-schemas.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: inbox'];
const shortCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^\S+$/, 'A short code is one word (no spaces)');
const replyContent = z.string().min(1).max(5_000);

/** Labels (the account's list, and each conversation's set) and saved replies. */
export function registerInboxLabelRoutes(app: FastifyInstance, inbox: InboxServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/labels', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'List labels',
      response: { 200: z.object({ labels: z.array(labelSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      labels: (await inbox.labels.list(principalOf(request).accountId)).map(labelDto),
    }),
  });

  api.post('/labels', {
    config: INBOX_SETTINGS,
    schema: {
      tags: TAGS,
      summary: 'Create a label',
      body: z.object({
        name: labelName,
        color: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, 'A color is #rrggbb')
          .optional(),
      }),
      response: { 201: labelSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const label = await inbox.labels.create(principalOf(request).accountId, request.body);
      return reply.status(201).send(labelDto(label));
    },
  });

  api.delete('/labels/:id', {
    config: INBOX_SETTINGS,
    schema: {
      tags: TAGS,
      summary: 'Delete a label (conversations lose it)',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await inbox.labels.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });

  api.put('/conversations/:id/labels', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: "Replace a conversation's labels (unknown names are created)",
      params: conversationParam,
      body: z.object({ labels: z.array(labelName).max(50) }),
      response: { 200: z.object({ labels: z.array(z.string()) }), ...errorResponses },
    },
    handler: async (request) => ({
      labels: await inbox.labels.replace(
        principalOf(request).accountId,
        request.params.id,
        request.body.labels,
      ),
    }),
  });

  api.get('/saved-replies', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'List saved replies, by short code',
      response: {
        200: z.object({ saved_replies: z.array(savedReplySchema) }),
        ...errorResponses,
      },
    },
    handler: async (request) => ({
      saved_replies: (await inbox.savedReplies.list(principalOf(request).accountId)).map(
        savedReplyDto,
      ),
    }),
  });

  api.post('/saved-replies', {
    config: INBOX_SETTINGS,
    schema: {
      tags: TAGS,
      summary: 'Create a saved reply (short codes are unique in the account)',
      body: z.object({ short_code: shortCode, content: replyContent }),
      response: { 201: savedReplySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const created = await inbox.savedReplies.create(principalOf(request).accountId, {
        shortCode: request.body.short_code,
        content: request.body.content,
      });
      return reply.status(201).send(savedReplyDto(created));
    },
  });

  api.patch('/saved-replies/:id', {
    config: INBOX_SETTINGS,
    schema: {
      tags: TAGS,
      summary: 'Change a saved reply',
      params: idParam,
      body: z.object({ short_code: shortCode.optional(), content: replyContent.optional() }),
      response: { 200: savedReplySchema, ...errorResponses },
    },
    handler: async (request) =>
      savedReplyDto(
        await inbox.savedReplies.update(principalOf(request).accountId, request.params.id, {
          shortCode: request.body.short_code,
          content: request.body.content,
        }),
      ),
  });

  api.delete('/saved-replies/:id', {
    config: INBOX_SETTINGS,
    schema: {
      tags: TAGS,
      summary: 'Delete a saved reply',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await inbox.savedReplies.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
