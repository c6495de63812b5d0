import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../../config/config.js';
import { DomainError } from '../../core/errors/domain-error.js';
import { sha256Hex } from '../../security/tokens.js';

/**
 * Requests per minute per token (per IP without one), so one busy integration cannot
 * starve another. With Redis the counters are shared by every process; if Redis is
 * unreachable, requests pass rather than fail (the limit is a safeguard, not a gate).
 */
export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<void> {
  if (config.rateLimitPerMinute <= 0) return;
  const redis =
    config.redisUrl === undefined
      ? undefined
      : new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  if (redis !== undefined) {
    app.addHook('onClose', async () => {
      await redis.quit();
    });
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    nameSpace: `${config.redisPrefix}:rate-limit:`,
    skipOnError: true,
    ...(redis === undefined ? {} : { redis }),
    keyGenerator: (request) => {
      const authorization = request.headers.authorization;
      return authorization === undefined
        ? `ip:${request.ip}`
        : `token:${sha256Hex(authorization).slice(0, 32)}`;
    },
    errorResponseBuilder: () => new DomainError('RATE_LIMITED'),
  });
}
