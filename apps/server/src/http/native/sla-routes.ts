import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
export function registerSlaRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const policies = services.slaPolicies;

  api.get('/sla-policies', {
    config: { auth: { mode: 'principal' } },
    schema: {
      tags: TAGS,
      summary: 'List SLA policies',
      response: { 200: z.object({ policies: z.array(policySchema) }), ...errorResponses },
    },
    handler: async (request) => {
      const rows = await policies.list(principalOf(request).accountId);
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
      const row = await policies.create(principalOf(request).accountId, request.body);
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
      await policies.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
