import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import type { SlaPolicyRow } from '../../storage/schema-conversations.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: SLA'];
const MANAGE = { auth: { mode: 'principal', permission: 'live_chat.settings' } } as const;
const seconds = z
  .number()
  .int()
  .positive()
  .max(365 * 24 * 3_600)
  .nullable();

const policySchema = z.object({
  id: z.number(),
  name: z.string(),
  first_response_seconds: z.number().nullable(),
  next_response_seconds: z.number().nullable(),
  resolution_seconds: z.number().nullable(),
  is_default: z.boolean(),
});

function policyDto(policy: SlaPolicyRow): z.infer<typeof policySchema> {
  return { ...policy, is_default: policy.is_default === 1 };
}

const policyBody = z.object({
  name: z.string().trim().min(1).max(100),
  first_response_seconds: seconds.default(null),
  next_response_seconds: seconds.default(null),
  resolution_seconds: seconds.default(null),
  /** The policy new conversations get. One per account: setting it clears the others. */
  is_default: z.boolean().default(false),
});

/** SLA policies: first response, next response and resolution targets, breached once each. */
export function registerSlaRoutes(app: FastifyInstance, { database }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { db } = database;

  api.get('/sla-policies', {
    config: { auth: { mode: 'principal' } },
    schema: {
      tags: TAGS,
      summary: 'List SLA policies',
      response: { 200: z.object({ policies: z.array(policySchema) }), ...errorResponses },
    },
    handler: async (request) => {
      const rows = await db
        .selectFrom('sla_policies')
        .selectAll()
        .where('account_id', '=', principalOf(request).accountId)
        .orderBy('id')
        .execute();
      return { policies: rows.map(policyDto) };
    },
  });

  api.post('/sla-policies', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Create an SLA policy',
      body: policyBody,
      response: { 201: policySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const { is_default, ...targets } = request.body;
      const now = Date.now();
      const row = await db.transaction().execute(async (trx) => {
        if (is_default)
          await trx
            .updateTable('sla_policies')
            .set({ is_default: 0 })
            .where('account_id', '=', accountId)
            .execute();
        return trx
          .insertInto('sla_policies')
          .values({
            account_id: accountId,
            ...targets,
            is_default: is_default ? 1 : 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return reply.status(201).send(policyDto(row));
    },
  });

  api.delete('/sla-policies/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Delete an SLA policy (its conversations keep no clock)',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const result = await db
        .deleteFrom('sla_policies')
        .where('account_id', '=', principalOf(request).accountId)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DomainError('RESOURCE_NOT_FOUND');
      return reply.status(204).send(null);
    },
  });
}
