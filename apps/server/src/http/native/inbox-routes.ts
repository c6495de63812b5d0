import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import { createInboxServices, type InboxServices } from '../../core/inbox/inbox-services.js';
import type { Runtime } from '../../runtime.js';
import type { AssigneeFilter } from '../../storage/repositories/inbox-conversations-repository.js';
import { principalOf } from '../plugins/authenticate.js';
import { registerInboxLabelRoutes } from './inbox-label-routes.js';
import { registerInboxMessageRoutes } from './inbox-message-routes.js';
import {
  conversationDetailDto,
  conversationDetailSchema,
  conversationParam,
  INBOX_READ,
  INBOX_WRITE,
  inboxConversationDto,
  inboxConversationSchema,
  labelName,
} from './inbox-schemas.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: inbox'];

const statusName = z.enum(['open', 'pending', 'closed']);

const listQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(statusName).min(1))
    .optional()
    .describe('Comma-separated statuses; default open,pending'),
  assignee: z
    .union([z.enum(['me', 'unassigned']), z.coerce.number().int().positive()])
    .optional()
    .describe('`me`, a user id, or `unassigned` (no agent holds it)'),
  team_id: z.coerce.number().int().positive().optional(),
  label: labelName.optional(),
  channel_id: z.coerce.number().int().positive().optional(),
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  q: z.string().trim().max(200).optional().describe('Text any message of the conversation has'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const assignBody = z
  .object({
    user_id: z.number().int().positive().optional(),
    team_id: z.number().int().positive().optional(),
  })
  .refine((body) => (body.user_id === undefined) !== (body.team_id === undefined), {
    message: 'Give exactly one of user_id and team_id',
    path: [],
  });

/**
 * The inbox API the web app works from, under the native prefix: the conversation list
 * (filters, keyset pages), a conversation with its messages and notes, reading, assigning,
 * closing and replying, labels and saved replies. Reads need any member of the account;
 * changes need `live_chat.full_access`, managing labels and saved replies
 * `live_chat.settings`.
 */
export function registerInboxRoutes(app: FastifyInstance, runtime: Runtime): void {
  const inbox = createInboxServices(runtime);
  registerConversationRoutes(app, inbox);
  registerInboxMessageRoutes(app, inbox);
  registerInboxLabelRoutes(app, inbox);
}

function registerConversationRoutes(app: FastifyInstance, inbox: InboxServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/conversations', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'List conversations, latest activity first (keyset pages)',
      querystring: listQuery,
      response: {
        200: z.object({
          conversations: z.array(inboxConversationSchema),
          next_cursor: z.string().nullable(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const query = request.query;
      const page = await inbox.queries.list(principal.accountId, {
        statuses: query.status ?? ['open', 'pending'],
        assignee: assigneeFilter(query.assignee, principal.userId),
        teamId: query.team_id,
        labelName: query.label,
        channelId: query.channel_id,
        unreadOnly: query.unread,
        text: query.q,
        cursor: query.cursor,
        limit: query.limit,
      });
      return {
        conversations: page.conversations.map(inboxConversationDto),
        next_cursor: page.nextCursor,
      };
    },
  });

  api.get('/conversations/:id', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: 'Get a conversation',
      params: conversationParam,
      response: { 200: conversationDetailSchema, ...errorResponses },
    },
    handler: async (request) =>
      conversationDetailDto(
        await inbox.queries.get(principalOf(request).accountId, request.params.id),
      ),
  });

  api.post('/conversations/:id/read', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Mark a conversation read (its unread count becomes 0)',
      params: conversationParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await inbox.actions.markRead(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });

  api.post('/conversations/:id/assign', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Give a conversation to a person, or to a team (round robin may pick one)',
      params: conversationParam,
      body: assignBody,
      response: { 200: conversationDetailSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const { user_id, team_id } = request.body;
      const to =
        user_id !== undefined
          ? { userId: user_id }
          : team_id !== undefined
            ? { teamId: team_id }
            : undefined;
      // The body schema already demands exactly one; this keeps the types honest.
      if (to === undefined) throw new DomainError('BAD_REQUEST');
      await inbox.actions.assign(accountId, request.params.id, to, userId);
      return conversationDetailDto(await inbox.queries.get(accountId, request.params.id));
    },
  });

  api.post('/conversations/:id/status', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Close a conversation, or reopen a closed one',
      params: conversationParam,
      body: z.object({ status: z.enum(['open', 'closed']) }),
      response: { 200: conversationDetailSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      await inbox.actions.setStatus(accountId, request.params.id, request.body.status, userId);
      return conversationDetailDto(await inbox.queries.get(accountId, request.params.id));
    },
  });
}

function assigneeFilter(
  assignee: 'me' | 'unassigned' | number | undefined,
  userId: number | null,
): AssigneeFilter | undefined {
  if (assignee === undefined || assignee === 'unassigned') return assignee;
  if (assignee !== 'me') return { userId: assignee };
  if (userId === null)
    throw new DomainError('BAD_REQUEST', {
      message: 'assignee=me needs a person: an account token has none, pass a user id instead.',
    });
  return { userId };
}
