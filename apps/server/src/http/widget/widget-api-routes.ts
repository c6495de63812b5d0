import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  widgetConfigSchema,
  widgetIdentifySchema,
  widgetMessageSchema,
  widgetPollSchema,
  widgetSendSchema,
  widgetSessionRequestSchema,
  widgetSessionSchema,
  widgetVariablesSchema,
} from '@parley/protocol';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import { PUBLIC } from '../route-config.js';
import { errorResponses } from '../native/schemas.js';
import type { WidgetHub } from '../../widget/widget-hub.js';
import { longPoll } from '../../widget/widget-poll.js';
import type { WidgetService } from '../../widget/widget-service.js';
import { widgetMessagesAfter } from '../../widget/widget-messages.js';
import type { WidgetKey } from '../../widget/widget-visitors.js';
import { visitorTokenOf } from './visitor-auth.js';

const TAGS = ['Widget (visitors)'];
// Visitor routes authenticate by the visitor token they carry, checked by WidgetService.
const config = { auth: PUBLIC };

const keyQuery = z
  .object({
    bot_key: z.string().min(1).max(64).optional(),
    preview_key: z.string().min(1).max(64).optional(),
  })
  .refine((query) => (query.bot_key === undefined) !== (query.preview_key === undefined), {
    message: 'give bot_key or preview_key',
  });

const conversationView = widgetSessionSchema.pick({
  conversation_id: true,
  messages: true,
  cursor: true,
});

const ok = z.object({ ok: z.literal(true) });

export function widgetKeyOf(query: { bot_key?: string; preview_key?: string }): WidgetKey {
  if (query.bot_key !== undefined) return { botKey: query.bot_key };
  if (query.preview_key !== undefined) return { previewKey: query.preview_key };
  throw new DomainError('BAD_REQUEST', { message: 'Give bot_key or preview_key.' });
}

/** The visitor API the widget bundle talks to (`/widget/api/*`); see packages/protocol. */
export function registerWidgetApiRoutes(
  app: FastifyInstance,
  widget: WidgetService,
  hub: WidgetHub,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const scopeOf = (token: string | undefined) => widget.channels.scopeOf(token);

  api.get('/widget/api/config', {
    config,
    schema: {
      tags: TAGS,
      summary: "A web channel's widget settings",
      querystring: keyQuery,
      response: { 200: widgetConfigSchema, ...errorResponses },
    },
    handler: (request) => widget.channels.config(widgetKeyOf(request.query)),
  });

  api.post('/widget/api/sessions', {
    config,
    schema: {
      tags: TAGS,
      summary: "Open or resume a visitor's session",
      body: widgetSessionRequestSchema,
      response: { 200: widgetSessionSchema, ...errorResponses },
    },
    handler: (request) => widget.openSession(widgetKeyOf(request.body), request.body.visitor_token),
  });

  api.post('/widget/api/start', {
    config,
    schema: {
      tags: TAGS,
      summary: 'Start the bot (idempotent while a conversation is open)',
      body: z.object({ page_url: z.string().max(2_048).optional() }).default({}),
      response: { 200: conversationView, ...errorResponses },
    },
    handler: async (request) => widget.start(await scopeOf(visitorTokenOf(request))),
  });

  api.post('/widget/api/restart', {
    config,
    schema: {
      tags: TAGS,
      summary: 'Close the current conversation and start the bot in a new one',
      response: { 200: widgetSessionSchema, ...errorResponses },
    },
    handler: async (request) => widget.restart(await scopeOf(visitorTokenOf(request))),
  });

  api.post('/widget/api/messages', {
    config,
    schema: {
      tags: TAGS,
      summary: "Send the visitor's message (idempotent by client_id)",
      body: widgetSendSchema,
      response: { 200: z.object({ message: widgetMessageSchema }), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await scopeOf(visitorTokenOf(request));
      return { message: await widget.send(scope, request.body.client_id, request.body.content) };
    },
  });

  api.get('/widget/api/messages', {
    config,
    schema: {
      tags: TAGS,
      summary: 'Messages after a cursor; waits up to `wait` seconds for one (long-polling)',
      querystring: z.object({
        after: z.coerce.number().int().min(0).default(0),
        wait: z.coerce.number().int().min(0).max(30).default(0),
      }),
      response: { 200: widgetPollSchema, ...errorResponses },
    },
    handler: async (request) => {
      const scope = await scopeOf(visitorTokenOf(request));
      const { after, wait } = request.query;
      const contact = await widget.contactOf(scope);
      const read = async (from: number) => {
        const conversation = await widget.conversationOf(scope);
        return conversation === undefined
          ? []
          : widgetMessagesAfter(widget.db, scope.accountId, conversation.id, from);
      };
      if (contact === undefined || wait === 0) {
        const messages = await read(after);
        return { messages, statuses: [], actions: [], cursor: messages.at(-1)?.seq ?? after };
      }
      const abort = new AbortController();
      request.raw.on('close', () => {
        abort.abort();
      });
      return longPoll(
        hub,
        { channelId: scope.channel.id, contactId: contact.id },
        after,
        wait * 1_000,
        read,
        abort.signal,
      );
    },
  });

  api.post('/widget/api/identify', {
    config,
    schema: {
      tags: TAGS,
      summary: 'Set contact fields; with identity_hash, a verified identity',
      body: widgetIdentifySchema,
      response: {
        200: z.object({ contact: widgetSessionSchema.shape.contact, visitor_token: z.string() }),
        ...errorResponses,
      },
    },
    handler: async (request) =>
      widget.identify(await scopeOf(visitorTokenOf(request)), request.body),
  });

  api.post('/widget/api/variables', {
    config,
    schema: {
      tags: TAGS,
      summary: 'Set contact variables the flow can read',
      body: widgetVariablesSchema,
      response: { 200: ok, ...errorResponses },
    },
    handler: async (request) => {
      await widget.setVariables(await scopeOf(visitorTokenOf(request)), request.body.variables);
      return { ok: true as const };
    },
  });

  api.post('/widget/api/read', {
    config,
    schema: {
      tags: TAGS,
      summary: 'The visitor has seen every message up to seq',
      body: z.object({ seq: z.number().int().min(0) }),
      response: { 200: ok, ...errorResponses },
    },
    handler: async (request) => {
      await widget.markRead(await scopeOf(visitorTokenOf(request)), request.body.seq);
      return { ok: true as const };
    },
  });
}
