import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseState } from '../../core/bots/bot-session-store.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import { principalOf } from '../plugins/authenticate.js';
import { conversationParam, INBOX_READ, INBOX_WRITE } from './inbox-schemas.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: bots'];

const sessionSchema = z.object({
  conversation_id: z.string(),
  bot_id: z.number(),
  flow_version_id: z.number(),
  status: z.enum(['active', 'waiting', 'ended']),
  node_id: z.string().nullable(),
  end_reason: z.string().nullable(),
  variables: z.record(z.string(), z.unknown()),
  waiting_for: z
    .object({ timer_at: z.string().nullable(), call_id: z.string().nullable() })
    .nullable(),
  log: z.array(
    z.object({ node_id: z.string(), type: z.string(), outcome: z.string(), at: z.string() }),
  ),
});

/**
 * The per-conversation debugger view: where the bot is, its variables, what it waits for,
 * and the step log of its latest turns (every block run and the handle it took).
 */
export function registerBotSessionRoutes(
  app: FastifyInstance,
  { context, services }: Runtime,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/conversations/:id/handback', {
    config: INBOX_WRITE,
    schema: {
      tags: TAGS,
      summary: 'Give a conversation the bot handed over back to the bot',
      description:
        'The bot resumes on its Talk-to-human block\'s "handback" edge (or ends, if it has none).',
      params: conversationParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId, userId } = principalOf(request);
      await services.botHandback.handBack(
        accountId,
        request.params.id,
        userId === null ? null : String(userId),
      );
      return reply.code(204).send(null);
    },
  });

  api.get('/conversations/:id/bot-session', {
    config: INBOX_READ,
    schema: {
      tags: TAGS,
      summary: "A conversation's bot session: position, variables, waits and step log",
      params: conversationParam,
      response: { 200: sessionSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const conversation = await new ConversationsRepository(context.db, accountId).findByPublicId(
        request.params.id,
      );
      if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
      const row = await context.db
        .selectFrom('bot_sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirst();
      if (row === undefined) {
        throw new DomainError('RESOURCE_NOT_FOUND', {
          message: 'No bot has run on this conversation.',
        });
      }
      const { session, timer, log } = parseState(row.state);
      const waiting = session.status === 'waiting';
      return {
        conversation_id: conversation.public_id,
        bot_id: row.bot_id,
        flow_version_id: row.flow_version_id,
        status: session.status,
        node_id: session.nodeId,
        end_reason: session.endReason ?? null,
        variables: session.variables,
        waiting_for: waiting
          ? {
              timer_at: timer === null ? null : new Date(timer.at).toISOString(),
              call_id: session.pending?.callId ?? null,
            }
          : null,
        log: log.map((entry) => ({
          node_id: entry.nodeId,
          type: entry.type,
          outcome: entry.outcome,
          at: new Date(entry.at).toISOString(),
        })),
      };
    },
  });
}
