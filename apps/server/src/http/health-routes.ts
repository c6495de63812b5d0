import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../runtime.js';
import { PUBLIC } from './route-config.js';

const OPS = { auth: PUBLIC, rateLimit: false } as const;
const READINESS_TIMEOUT_MS = 2_000;

/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
export function registerHealthRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/healthz', {
    config: OPS,
    schema: {
      tags: ['operations'],
      summary: 'The process is up',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: () => ({ status: 'ok' as const }),
  });

  const check = z.enum(['ok', 'failing']);
  api.get('/readyz', {
    config: OPS,
    schema: {
      tags: ['operations'],
      summary: 'The database (and Redis, when configured) answer',
      response: {
        200: z.object({ status: z.literal('ok'), checks: z.record(z.string(), check) }),
        503: z.object({ status: z.literal('failing'), checks: z.record(z.string(), check) }),
      },
    },
    handler: async (_request, reply) => {
      const checks: Record<string, 'ok' | 'failing'> = {
        database: await probe(() => sql`select 1`.execute(runtime.database.db)),
      };
      if (runtime.config.redisUrl !== undefined)
        checks.redis = await probe(() => runtime.bus.ping());
      const ok = Object.values(checks).every((value) => value === 'ok');
      if (ok) return { status: 'ok' as const, checks };
      return reply.status(503).send({ status: 'failing' as const, checks });
    },
  });

  app.get(
    '/metrics',
    { config: OPS, schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      const body = await runtime.metrics.registry.metrics();
      return reply.type(runtime.metrics.registry.contentType).send(body);
    },
  );

  app.get('/openapi.json', { config: OPS, schema: { hide: true } }, () => app.swagger());
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'failing'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise(
        (_resolve, reject) =>
          (timer = setTimeout(() => {
            reject(new Error('timeout'));
          }, READINESS_TIMEOUT_MS)),
      ),
    ]);
    return 'ok';
  } catch {
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}
