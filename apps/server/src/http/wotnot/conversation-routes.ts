import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertAgentSeat } from '../../core/conversations/plan-limits.js';
import type { Runtime } from '../../runtime.js';
import { parseWith, passThroughValidator } from '../errors/parse-body.js';
import { principalOf } from '../plugins/authenticate.js';
import { normalizePhone } from '../../core/contacts/phone.js';
import { DomainError } from '../../core/errors/domain-error.js';
import {
  handleWotnotContactUpsert,
  wotnotContactsBody,
  wotnotContactsResponse,
} from './contacts-routes.js';
import {
  agentMessageBody,
  conversationEventBody,
  createConversationBody,
  variablesBody,
} from './conversation-schemas.js';
import {
  agentByEmail,
  agentMessageContent,
  channelFor,
  templateContent,
} from './conversation-service-adapter.js';
import { wotnotErrorsFor } from './wotnot-errors.js';
import { okResponse, wotnotErrorResponse } from './wotnot-schemas.js';

const TAGS = ['WotNot: conversations'];
const errors = {
  400: wotnotErrorResponse,
  401: wotnotErrorResponse,
  403: wotnotErrorResponse,
  404: wotnotErrorResponse,
};
const LIVE_CHAT = 'live_chat.full_access';
/** `/api/v1/...` routes answer a bad token with JWT_SIGNATURE_EXCEPTION (seed 001). */
const apiV1Auth = {
  mode: 'principal',
  permission: LIVE_CHAT,
  unauthorizedCode: 'JWT_SIGNATURE_EXCEPTION',
} as const;

const createdConversation = z.object({
  ok: z.literal(true),
  conversation: z.object({
    id: z.string(),
    message_id: z.string(),
    created_at: z.string(),
    assignee: z.object({ id: z.number(), to: z.string() }).nullable(),
  }),
  contact: z.object({
    id: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
  }),
});

/** WotNot's conversation endpoints (seed 001: creating contacts and conversations, agent messages, events, variables). */
export function registerWotnotConversationRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { services } = runtime;
  const contacts = runtime.services.contacts;

  api.post('/v1/conversations', {
    config: {
      errors: wotnotErrorsFor(),
      auth: {
        mode: 'principal',
        permission: LIVE_CHAT,
        unauthorizedCode: 'JWT_SIGNATURE_EXCEPTION',
      },
    },
    validatorCompiler: passThroughValidator,
    schema: {
      tags: TAGS,
      summary: 'Create a conversation (or, with a `contacts` array, create and update contacts)',
      body: z.union([createConversationBody, wotnotContactsBody]),
      response: { 200: z.union([createdConversation, wotnotContactsResponse]), ...errors },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      // The body was let through unvalidated (see passThroughValidator): tell its shape here.
      const raw: unknown = request.body;
      if (typeof raw === 'object' && raw !== null && 'contacts' in raw) {
        return handleWotnotContactUpsert(
          { contacts },
          accountId,
          parseWith(wotnotContactsBody, raw),
        );
      }
      const body = parseWith(createConversationBody, raw);
      const channel = await channelFor(runtime, accountId, body);
      const assignee =
        body.assignee === undefined ? null : await agentByEmail(runtime, accountId, body.assignee);
      await assertAgentSeat(
        runtime.database.db,
        accountId,
        assignee?.id ?? null,
        'CONVERSATION_NOT_CREATED',
      );
      const content =
        body.message.type === 'template'
          ? await templateContent(runtime, accountId, body.message.data)
          : { type: 'text' as const, text: body.message.text };
      const phone =
        body.to.phone === undefined ? null : normalizePhone(body.to.phone, { field: 'to.phone' });
      const started = await services.conversations.start(accountId, {
        channel,
        contact: {
          externalId: phone ?? body.to.email ?? '',
          phone,
          email: body.to.email ?? null,
          name: body.to.name ?? null,
        },
        content,
        assigneeUserId: assignee?.id ?? null,
      });
      if (body.message.type === 'template' && Object.keys(body.message.data.variables).length > 0) {
        const variables = Object.entries(body.message.data.variables).map(([name, value]) => ({
          name,
          type: 'conversation' as const,
          value,
        }));
        await services.conversations.setVariables(
          accountId,
          started.conversation.public_id,
          variables,
        );
      }
      return {
        ok: true as const,
        conversation: {
          id: started.conversation.public_id,
          message_id: started.message.public_id,
          created_at: new Date(started.conversation.created_at).toISOString(),
          assignee: assignee === null ? null : { id: assignee.id, to: assignee.email },
        },
        contact: {
          id: String(started.contact.id),
          name: started.contact.name,
          phone: started.contact.phone,
          email: started.contact.email,
        },
      };
    },
  });

  api.post('/api/v1/conversation/:id/messages', {
    config: { errors: wotnotErrorsFor({ validation: 'invalid_data' }), auth: apiV1Auth },
    schema: {
      tags: TAGS,
      summary: 'Send agent response to a conversation',
      params: z.object({ id: z.string().min(1).max(64) }),
      body: agentMessageBody,
      response: { 200: z.object({ ok: z.literal(true), message_id: z.string() }), ...errors },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const agent = await agentByEmail(runtime, accountId, request.body.user.by);
      await assertAgentSeat(runtime.database.db, accountId, agent.id, 'MESSAGE_NOT_SENT');
      const content = await agentMessageContent(runtime, accountId, request.body.message);
      const message = await services.conversations.sendAgentMessage(accountId, request.params.id, {
        content,
        userId: agent.id,
      });
      return { ok: true as const, message_id: message.public_id };
    },
  });

  api.post('/api/v1/conversation/:id/events', {
    config: {
      errors: wotnotErrorsFor({
        overrides: { TEAM_NOT_FOUND: { status: 400, message: 'Team does not exist.' } },
      }),
      auth: apiV1Auth,
    },
    schema: {
      tags: TAGS,
      summary: 'Close a conversation, or change its assignee (user or team)',
      params: z.object({ id: z.string().min(1).max(64) }),
      body: conversationEventBody,
      response: { 200: okResponse, ...errors },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const body = request.body;
      const conversationId = request.params.id;
      if (body.event === 'status') {
        const by =
          body.user === undefined ? null : await agentByEmail(runtime, accountId, body.user.by);
        await assertAgentSeat(
          runtime.database.db,
          accountId,
          by?.id ?? null,
          'CONVERSATION_NOT_CLOSED',
        );
        if (body.status === 'CLOSE')
          await services.conversations.close(accountId, conversationId, by?.email ?? null);
        else await services.conversations.reopen(accountId, conversationId, by?.email ?? null);
        return { ok: true as const };
      }
      if ('user' in body) {
        await services.conversations.get(accountId, conversationId);
        if (body.user.by.trim().toLowerCase() === body.user.to.trim().toLowerCase()) {
          throw new DomainError('ASSIGNEE_CHANGE_EXCEPTION');
        }
        const by = await agentByEmail(runtime, accountId, body.user.by);
        const to = await agentByEmail(runtime, accountId, body.user.to);
        await assertAgentSeat(runtime.database.db, accountId, to.id, 'ASSIGNEE_NOT_CHANGED');
        await services.conversations.assign(accountId, conversationId, { userId: to.id }, by.email);
        return { ok: true as const };
      }
      const by = await agentByEmail(runtime, accountId, body.team.by);
      const team = await runtime.database.db
        .selectFrom('teams')
        .select('id')
        .where('account_id', '=', accountId)
        .where('name', '=', body.team.to)
        .executeTakeFirst();
      await services.conversations.assign(
        accountId,
        conversationId,
        { teamId: team?.id ?? 0 },
        by.email,
      );
      return { ok: true as const };
    },
  });

  api.post('/v1/accounts/:account/conversations/:id/variables', {
    config: {
      errors: wotnotErrorsFor({
        validation: 'field_map',
        overrides: { CONVERSATION_NOT_FOUND: { message: 'Conversation is not found' } },
      }),
      auth: { mode: 'principal', accountParam: 'account', permission: LIVE_CHAT },
    },
    schema: {
      tags: TAGS,
      summary: 'Update variables of a conversation (conversation and contact scoped)',
      params: z.object({ account: z.string(), id: z.string().min(1).max(64) }),
      body: variablesBody,
      response: { 200: okResponse, ...errors },
    },
    handler: async (request) => {
      await services.conversations.setVariables(
        Number(request.params.account),
        request.params.id,
        request.body.variables,
      );
      return { ok: true as const };
    },
  });
}
