import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { messageContentSchema } from '@parley/protocol';
import { z } from 'zod';
import type { InboxServices } from '../../core/inbox/inbox-services.js';
import { principalOf } from '../plugins/authenticate.js';
import {
  conversationParam,
  INBOX_READ,
  INBOX_WRITE,
  messageDto,
  messageSchema,
  noteDto,
  noteSchema,
} from './inbox-schemas.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: inbox'];
const pageLimit = z.coerce.number().int().min(1).max(100).default(50);

/** A conversation's messages (read and reply as the calling agent) and private notes. */
export function registerInboxMessageRoutes(app: FastifyInstance, inbox: InboxServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/conversations/:id/messages', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'Messages of a conversation, newest first (page back with `before`)',
      params: conversationParam,
      querystring: z.object({
        before: z.string().min(1).max(64).optional().describe('A message id: return older ones'),
        limit: pageLimit,
      }),
      response: {
        200: z.object({ messages: z.array(messageSchema), next_before: z.string().nullable() }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const page = await inbox.queries.messages(
        principalOf(request).accountId,
        request.params.id,
        request.query.before,
        request.query.limit,
      );
      return { messages: page.messages.map(messageDto), next_before: page.nextBefore };
    },
  });

  api.post('/conversations/:id/messages', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Reply as the calling agent (a user token or session; not an account token)',
      params: conversationParam,
      body: z.object({ content: messageContentSchema }),
      response: { 201: messageSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId, userId } = principalOf(request);
      const message = await inbox.actions.send(
        accountId,
        request.params.id,
        request.body.content,
        userId,
      );
      return reply.status(201).send(messageDto(message));
    },
  });

  api.get('/conversations/:id/notes', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'Private notes of a conversation, newest first (page back with `before`)',
      params: conversationParam,
      querystring: z.object({
        before: z.coerce.number().int().positive().optional().describe('A note id'),
        limit: pageLimit,
      }),
      response: {
        200: z.object({ notes: z.array(noteSchema), next_before: z.number().nullable() }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const page = await inbox.notes.list(
        principalOf(request).accountId,
        request.params.id,
        request.query.before,
        request.query.limit,
      );
      return { notes: page.notes.map(noteDto), next_before: page.nextBefore };
    },
  });

  api.post('/conversations/:id/notes', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Add a private note (never sent to the contact)',
      params: conversationParam,
      body: z.object({ body: z.string().trim().min(1).max(10_000) }),
      response: { 201: noteSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId, userId } = principalOf(request);
      const note = await inbox.notes.add(accountId, request.params.id, {
        body: request.body.body,
        userId,
      });
      return reply.status(201).send(noteDto(note));
    },
  });
}
