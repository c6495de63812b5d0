import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  parseStoredConfiguration,
  roleConfigurationSchema,
} from '../../core/roles/role-configuration.js';
import type { Runtime } from '../../runtime.js';
import type { RoleRow } from '../../storage/schema.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: users and roles'];
const READ = { auth: { mode: 'principal' } } as const;
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.teammates' } } as const;

const roleSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  built_in: z.boolean(),
  master_role_id: z.number().nullable(),
  role_configuration: roleConfigurationSchema,
  created_at: z.string(),
});

function roleDto(role: RoleRow): z.infer<typeof roleSchema> {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    built_in: role.built_in === 1,
    master_role_id: role.master_role_id,
    role_configuration: parseStoredConfiguration(role.configuration),
    created_at: new Date(role.created_at).toISOString(),
  };
}

const roleBody = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).optional(),
  role_configuration: roleConfigurationSchema,
});

/** Built-in and custom roles; the switches of `role_configuration` are what is enforced. */
export function registerRoleRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/roles', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List roles',
      response: { 200: z.object({ roles: z.array(roleSchema) }), ...errorResponses },
    },
    handler: async (request) => {
      const { roles } = await services.roles.list(principalOf(request).accountId, {
        limit: 200,
        offset: 0,
      });
      return { roles: roles.map(({ role }) => roleDto(role)) };
    },
  });

  api.post('/roles', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Create a custom role',
      body: roleBody,
      response: { 201: roleSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { name, description, role_configuration } = request.body;
      const role = await services.customRoles.create(principalOf(request).accountId, {
        name,
        description,
        configuration: role_configuration,
      });
      return reply.status(201).send(roleDto(role));
    },
  });

  api.patch('/roles/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Change a custom role (built-in roles are fixed)',
      params: idParam,
      body: roleBody.partial(),
      response: { 200: roleSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { name, description, role_configuration } = request.body;
      const role = await services.customRoles.update(
        principalOf(request).accountId,
        request.params.id,
        {
          name,
          description,
          configuration: role_configuration,
        },
      );
      return roleDto(role);
    },
  });

  api.delete('/roles/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Delete a custom role nobody holds',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await services.customRoles.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
