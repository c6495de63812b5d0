import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KnowledgeBases, NewSource } from '../../ai/knowledge-bases.js';
import { refreshFrequencyInput } from '../../ai/knowledge-base-settings.js';
import { DomainError } from '../../core/errors/domain-error.js';
import { MediaStore } from '../../core/media/media-store.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { SYSTEM_CREATOR, webpageView } from './knowledge-base-views.js';
import {
  KB_DELETE_ROUTE,
  kbErrorResponses,
  kbParams,
  KB_ROUTE,
  KB_TAGS,
} from './knowledge-base-config.js';
import { numericId, okResponse } from './wotnot-schemas.js';

/** The largest file a knowledge base takes (extraction has its own per-type rules). */
const MAX_SOURCE_FILE_BYTES = 20 * 1024 * 1024;
const MAX_TEXT_CHARS = 1_000_000;
const url = z.url({ protocol: /^https?$/ }).max(2_048);

/** Adding, listing the status of and deleting knowledge base sources (seed 001). */
export async function registerKnowledgeSourceRoutes(
  app: FastifyInstance,
  runtime: Runtime,
  kbs: KnowledgeBases,
): Promise<void> {
  const media = new MediaStore(runtime.context.db, runtime.config.publicUrl);
  const api = app.withTypeProvider<ZodTypeProvider>();

  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      limits: {
        fileSize: MAX_SOURCE_FILE_BYTES,
        files: 50,
        fields: 200,
        fieldSize: MAX_TEXT_CHARS,
      },
    });
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post('/api/v1/ai/knowledge-base/:knowledge_base_id/upload/sources', {
        config: KB_ROUTE,
        schema: {
          tags: KB_TAGS,
          summary: 'Add text and file sources (multipart: any number of text and file fields)',
          consumes: ['multipart/form-data'],
          params: kbParams,
          response: { 200: z.record(z.string(), z.unknown()), ...kbErrorResponses },
        },
        handler: async (request) => {
          const { accountId, userId } = principalOf(request);
          const kbId = request.params.knowledge_base_id;
          // Checked before any file is stored: nothing is kept for a request that fails.
          await kbs.get(accountId, kbId);
          if (!request.isMultipart()) {
            throw new DomainError('BAD_REQUEST', {
              message: 'Send multipart/form-data: text and file fields.',
            });
          }
          const sources: NewSource[] = [];
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              let bytes: Buffer;
              try {
                bytes = await part.toBuffer();
              } catch {
                throw new DomainError('PAYLOAD_TOO_LARGE', {
                  message: `"${part.fieldname}": files may be up to 20 MB.`,
                });
              }
              const stored = await media.put(
                accountId,
                { bytes, mime: part.mimetype, filename: part.filename },
                { anyType: true, maxBytes: MAX_SOURCE_FILE_BYTES },
              );
              sources.push({
                type: 'file',
                name: stored.filename,
                source: stored.key,
                field: part.fieldname,
              });
            } else {
              const text = typeof part.value === 'string' ? part.value : '';
              if (text.trim() === '') {
                throw new DomainError('BAD_REQUEST', { message: `"${part.fieldname}" is empty.` });
              }
              sources.push({
                type: 'text',
                name: part.fieldname,
                source: text,
                field: part.fieldname,
              });
            }
          }
          if (sources.length === 0) {
            throw new DomainError('BAD_REQUEST', {
              message: 'Add at least one text or file field.',
            });
          }
          const added = await kbs.addSources(accountId, kbId, sources, userId);
          interface Added {
            id: number;
            type: string;
            name: string;
            status: string;
            errors: null;
          }
          const grouped: Record<string, Added[]> = {};
          for (const source of added) {
            const field = source.field ?? source.name;
            const list = grouped[field];
            const entry = {
              id: source.id,
              type: source.type,
              name: source.name,
              status: source.status,
              errors: null,
            };
            grouped[field] = list === undefined ? [entry] : [...list, entry];
          }
          return { ...grouped, knowledge_base_id: kbId, ok: true };
        },
      });
  });

  api.post('/v1/ai/knowledge-base/:knowledge_base_id/data-sources/webpages', {
    config: KB_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'Add web pages (one source per URL)',
      params: kbParams,
      body: z.object({
        urls: z.array(url).min(1).max(100),
        /** Parley's addition: re-train these pages on a schedule (default: never). */
        refresh_frequency: refreshFrequencyInput,
      }),
      response: {
        200: z.object({
          ok: z.literal(true),
          data_sources: z.array(z.record(z.string(), z.unknown())),
        }),
        ...kbErrorResponses,
      },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const unique = [...new Set(request.body.urls)];
      const added = await kbs.addSources(
        accountId,
        request.params.knowledge_base_id,
        unique.map((page) => ({
          type: 'url' as const,
          name: page,
          source: page,
          refreshFrequency: request.body.refresh_frequency,
        })),
        userId,
      );
      return {
        ok: true as const,
        data_sources: added.map((row) => webpageView(row, SYSTEM_CREATOR)),
      };
    },
  });

  api.post('/v1/ai/knowledge-base/:knowledge_base_id/data-sources/domain', {
    config: KB_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'Add a whole domain (crawled: sitemap, then links; robots.txt honoured)',
      params: kbParams,
      body: z.object({
        type: z.literal('domain').optional(),
        url,
        /** Comma- or newline-separated patterns (`*` wildcards) of pages to leave out. */
        exclude_urls: z
          .union([z.string().max(10_000), z.array(z.string().max(2_048)).max(200)])
          .optional(),
        refresh_frequency: refreshFrequencyInput,
      }),
      response: {
        200: z.object({ ok: z.literal(true), domain_id: z.number(), request_id: z.string() }),
        ...kbErrorResponses,
      },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const { exclude_urls: exclude, refresh_frequency: refresh } = request.body;
      const patterns = (Array.isArray(exclude) ? exclude : (exclude ?? '').split(/[,\n]/))
        .map((pattern) => pattern.trim())
        .filter((pattern) => pattern !== '');
      const domain = await kbs.addDomain(
        accountId,
        request.params.knowledge_base_id,
        { url: request.body.url, excludeUrls: patterns, refreshFrequency: refresh },
        userId,
      );
      return { ok: true as const, domain_id: domain.id, request_id: domain.request_id };
    },
  });

  api.delete('/v1/ai/knowledge-bases/:knowledge_base_id/data-sources', {
    config: KB_DELETE_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'Delete data sources (and their indexed chunks)',
      params: kbParams,
      body: z.object({ data_sources: z.array(numericId).min(1).max(1_000) }),
      response: { 200: okResponse, ...kbErrorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      await kbs.deleteSources(
        accountId,
        request.params.knowledge_base_id,
        request.body.data_sources,
      );
      return { ok: true as const };
    },
  });

  api.get('/api/v1/ai/status/sources', {
    config: KB_ROUTE,
    schema: {
      tags: KB_TAGS,
      summary: 'Training status of data sources (`source_ids`: comma-separated)',
      querystring: z.object({
        source_ids: z
          .string()
          .regex(/^\d+(,\d+)*$/)
          .max(10_000),
      }),
      response: {
        200: z.object({
          sources: z.array(
            z.object({
              id: z.number(),
              name: z.string(),
              status: z.string(),
              knowledge_base_id: z.number(),
              failed_reason: z.string().nullable(),
              token: z.number(),
              chunks: z.number(),
            }),
          ),
          ok: z.literal(true),
        }),
        ...kbErrorResponses,
      },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const ids = request.query.source_ids.split(',').map(Number);
      const rows = await kbs.statuses(accountId, ids);
      return {
        sources: rows.map((row) => ({
          id: row.id,
          name: row.name,
          status: row.status,
          knowledge_base_id: row.kb_id,
          failed_reason: row.failed_reason,
          token: row.token_count,
          chunks: row.chunk_count,
        })),
        ok: true as const,
      };
    },
  });
}
