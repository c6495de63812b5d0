import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeBases } from '../../ai/knowledge-bases.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { wotnotTimestamp } from './bot-routes.js';
import { dataSourceView, domainView } from './knowledge-base-views.js';
import { registerKnowledgeSourceRoutes } from './knowledge-source-routes.js';
import { kbErrorResponses, kbParams, KB_ROUTE, KB_TAGS } from './knowledge-base-config.js';

const page = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** WotNot's AI studio routes (seed 001), exactly its paths, shapes and codes. */
export async function registerWotnotKnowledgeBaseRoutes(
  app: FastifyInstance,
  runtime: Runtime,
): Promise<void> {
  const kbs = new KnowledgeBases(runtime.context);
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/ai/knowledge-base', {
    config: KB_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'Create a knowledge base',
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: {
        200: z.object({
          ok: z.literal(true),
          id: z.number(),
          message: z.string(),
          code: z.string(),
        }),
        ...kbErrorResponses,
      },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const kb = await kbs.create(accountId, request.body.name, userId);
      return {
        ok: true as const,
        id: kb.id,
        message: 'Knowledge base has been created.',
        code: 'CREATE_KNOWLEDGE_BASE_SUCCESS_MESSAGE',
      };
    },
  });

  api.get('/v1/ai/knowledge-base/:knowledge_base_id', {
    config: KB_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'A knowledge base with its data sources (limit/offset in the query or the body)',
      params: kbParams,
      querystring: page,
      response: { 200: z.record(z.string(), z.unknown()), ...kbErrorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      // WotNot documents limit/offset in a GET body: Fastify does not parse GET bodies.
      const fromBody = page.safeParse(await getBody(request.raw));
      const limit =
        request.query.limit ?? (fromBody.success ? fromBody.data.limit : undefined) ?? 100;
      const offset =
        request.query.offset ?? (fromBody.success ? fromBody.data.offset : undefined) ?? 0;
      const kb = await kbs
        .get(accountId, request.params.knowledge_base_id)
        .catch((error: unknown) => {
          // This route answers WotNot's plain 404 for any knowledge base it cannot show.
          throw error instanceof DomainError ? new DomainError('RESOURCE_NOT_FOUND') : error;
        });
      const { rows, total, domains } = await kbs.sources(accountId, kb.id, { limit, offset });
      const users = await runtime.context.db
        .selectFrom('users')
        .select(['id', 'first_name', 'last_name', 'email'])
        .where('account_id', '=', accountId)
        .execute();
      const nameOf = (id: number | null) => {
        const user = users.find((candidate) => candidate.id === id);
        if (user === undefined) return null;
        return (
          [user.first_name, user.last_name].filter((part) => part !== null).join(' ') || user.email
        );
      };
      const totals = await runtime.context.db
        .selectFrom('kb_sources')
        .select((eb) => [
          eb.fn.sum<number | string | null>('token_count').as('tokens'),
          eb.fn.max('last_trained_at').as('trained'),
        ])
        .where('account_id', '=', accountId)
        .where('kb_id', '=', kb.id)
        .executeTakeFirstOrThrow();
      const trained = totals.trained;
      return {
        ok: true,
        id: kb.id,
        name: kb.name,
        total_tokens: Number(totals.tokens ?? 0),
        total_data_sources: total,
        data_source: rows.map((row) => dataSourceView(row, nameOf(row.created_by))),
        domains: domains.map(domainView),
        pagination: { limit, offset, total },
        last_trained_at: trained === null ? null : wotnotTimestamp(trained),
      };
    },
  });

  await registerKnowledgeSourceRoutes(app, runtime, kbs);
}

/** The JSON body of a GET request (at most 64 KiB), or {} when there is none or it is not JSON. */
async function getBody(raw: IncomingMessage): Promise<unknown> {
  if (raw.headers['content-length'] === undefined && raw.headers['transfer-encoding'] === undefined)
    return {};
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of raw) {
    const buffer = Buffer.isBuffer(part) ? part : Buffer.from(String(part));
    size += buffer.length;
    if (size > 64 * 1024) return {};
    parts.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
  } catch {
    return {};
  }
}
