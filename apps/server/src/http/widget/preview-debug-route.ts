import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isPreviewChannel } from '../../core/bots/bot-preview.js';
import { parseState } from '../../core/bots/bot-session-store.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { WidgetService } from '../../widget/widget-service.js';
import { PUBLIC } from '../route-config.js';
import { errorResponses } from '../native/schemas.js';
import { visitorTokenOf } from './visitor-auth.js';

const debugSchema = z.object({
  status: z.enum(['none', 'active', 'waiting', 'ended']),
  node_id: z.string().nullable(),
  variables: z.record(z.string(), z.unknown()),
  log: z.array(
    z.object({ node_id: z.string(), type: z.string(), outcome: z.string(), at: z.number() }),
  ),
});

/**
 * `GET /widget/api/preview/debug`: the preview page's side panel — the bot session's
 * variables and step log for the previewing visitor. Preview channels only: a visitor of a
 * live bot never sees the engine's internals.
 */
export function registerPreviewDebugRoute(app: FastifyInstance, widget: WidgetService): void {
  app.withTypeProvider<ZodTypeProvider>().get('/widget/api/preview/debug', {
    config: { auth: PUBLIC },
    schema: {
      tags: ['Widget (visitors)'],
      summary: "A preview conversation's bot variables and step log",
      response: { 200: debugSchema, ...errorResponses },
    },
    handler: async (request) => {
      const scope = await widget.channels.scopeOf(visitorTokenOf(request));
      if (!isPreviewChannel(scope.channel.external_id)) {
        throw new DomainError('PERMISSION_DENIED', {
          message: 'Only preview sessions can be debugged.',
        });
      }
      const conversation = await widget.conversationOf(scope);
      const row =
        conversation === undefined
          ? undefined
          : await widget.db
              .selectFrom('bot_sessions')
              .select('state')
              .where('account_id', '=', scope.accountId)
              .where('conversation_id', '=', conversation.id)
              .executeTakeFirst();
      if (row === undefined)
        return { status: 'none' as const, node_id: null, variables: {}, log: [] };
      const { session, log } = parseState(row.state);
      return {
        status: session.status,
        node_id: session.nodeId,
        variables: session.variables,
        log: log.map((entry) => ({
          node_id: entry.nodeId,
          type: entry.type,
          outcome: entry.outcome,
          at: entry.at,
        })),
      };
    },
  });
}
