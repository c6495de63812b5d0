import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  knowledgeBaseSettingsSchema,
  parseKnowledgeBaseSettings,
} from '../../ai/knowledge-base-settings.js';
import { KnowledgeBases } from '../../ai/knowledge-bases.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: AI studio'];
const AI = { auth: { mode: 'principal', permission: 'ai_studio.full_access' } } as const;
const kbParam = z.object({ id: z.coerce.number().int().positive() });
const customAnswer = z.object({ id: z.number(), question: z.string(), answer: z.string() });

/**
 * What the WotNot routes do not cover: a knowledge base's retrieval settings (top-k and
 * relevance threshold) and its custom answers (curated Q&A that wins over retrieval).
 */
export function registerKnowledgeRoutes(app: FastifyInstance, { context }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const kbs = new KnowledgeBases(context);

  api.put('/knowledge-bases/:id/settings', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: "Change a knowledge base's top-k and relevance threshold",
      params: kbParam,
      body: knowledgeBaseSettingsSchema.partial(),
      response: { 200: knowledgeBaseSettingsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const kb = await kbs.get(accountId, request.params.id);
      const settings = { ...parseKnowledgeBaseSettings(kb.settings), ...request.body };
      await context.db
        .updateTable('knowledge_bases')
        .set({ settings: JSON.stringify(settings), updated_at: Date.now() })
        .where('account_id', '=', accountId)
        .where('id', '=', kb.id)
        .execute();
      return settings;
    },
  });

  api.get('/knowledge-bases/:id/custom-answers', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Custom answers of a knowledge base',
      params: kbParam,
      response: { 200: z.object({ custom_answers: z.array(customAnswer) }), ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      await kbs.get(accountId, request.params.id);
      const rows = await context.db
        .selectFrom('kb_custom_answers')
        .select(['id', 'question', 'answer'])
        .where('account_id', '=', accountId)
        .where('kb_id', '=', request.params.id)
        .orderBy('id')
        .execute();
      return { custom_answers: rows };
    },
  });

  api.post('/knowledge-bases/:id/custom-answers', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Add a custom answer (matched before retrieval)',
      params: kbParam,
      body: z.object({
        question: z.string().trim().min(3).max(1_000),
        answer: z.string().trim().min(1).max(4_000),
      }),
      response: { 201: customAnswer, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      await kbs.get(accountId, request.params.id);
      const row = await context.db
        .insertInto('kb_custom_answers')
        .values({
          account_id: accountId,
          kb_id: request.params.id,
          ...request.body,
          created_at: Date.now(),
        })
        .returning(['id', 'question', 'answer'])
        .executeTakeFirstOrThrow();
      return reply.code(201).send(row);
    },
  });

  api.delete('/knowledge-bases/:id/custom-answers/:answerId', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Delete a custom answer',
      params: kbParam.extend({ answerId: z.coerce.number().int().positive() }),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const deleted = await context.db
        .deleteFrom('kb_custom_answers')
        .where('account_id', '=', accountId)
        .where('kb_id', '=', request.params.id)
        .where('id', '=', request.params.answerId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new DomainError('RESOURCE_NOT_FOUND');
      return reply.code(204).send(null);
    },
  });
}
