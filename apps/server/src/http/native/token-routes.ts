import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam, tokenDto, tokenSchema } from './schemas.js';

const TAGS = ['Native: API tokens'];
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.settings' } } as const;

export function registerTokenRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/tokens', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'List API tokens (secrets are never shown again)',
      response: { 200: z.object({ tokens: z.array(tokenSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      tokens: (await services.tokens.list(principalOf(request).accountId)).map(tokenDto),
    }),
  });

  api.post('/tokens', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Create an account, user or app token; the secret is in this response only',
      body: z.object({
        kind: z.enum(['account', 'user', 'app']),
        name: z.string().trim().min(1).max(100),
        user_id: z.number().int().positive().optional(),
        scopes: z.array(z.string().min(1).max(100)).max(100).optional(),
        expires_at: z.iso.datetime().optional(),
      }),
      response: { 201: tokenSchema.extend({ token: z.string() }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { kind, name, user_id, scopes, expires_at } = request.body;
      const issued = await services.tokens.create(principalOf(request).accountId, {
        kind,
        name,
        userId: user_id ?? null,
        scopes: scopes ?? null,
        expiresAt: expires_at === undefined ? null : Date.parse(expires_at),
      });
      return reply.status(201).send({ ...tokenDto(issued.row), token: issued.secret });
    },
  });

  api.delete('/tokens/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Revoke a token',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await services.tokens.revoke(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
