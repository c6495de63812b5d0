import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { can } from '../../core/auth/principal.js';
import { DomainError } from '../../core/errors/domain-error.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam, pageQuery, userDto, userSchema } from './schemas.js';

const TAGS = ['Native: users and roles'];
const READ = { auth: { mode: 'principal' } } as const;
const MANAGE = { auth: { mode: 'principal', permission: 'account_settings.teammates' } } as const;

export function registerUserRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/users', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List users',
      querystring: pageQuery,
      response: { 200: z.object({ users: z.array(userSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      users: (await services.users.list(principalOf(request).accountId, request.query)).map(
        userDto,
      ),
    }),
  });

  api.get('/users/:id', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Get a user',
      params: idParam,
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request) =>
      userDto(await services.users.get(principalOf(request).accountId, request.params.id)),
  });

  api.post('/users/invitations', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Invite a user (optionally by e-mail)',
      body: z.object({
        email: z.email(),
        first_name: z.string().max(100).optional(),
        last_name: z.string().max(100).optional(),
        role_id: z.number().int().positive(),
        notify: z.boolean().default(false),
      }),
      response: {
        201: z.object({ user: userSchema, invitation_link: z.string(), email_queued: z.boolean() }),
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { email, first_name, last_name, role_id, notify } = request.body;
      const result = await services.users.invite(principalOf(request).accountId, {
        email,
        firstName: first_name,
        lastName: last_name,
        roleId: role_id,
        notify,
      });
      return reply.status(201).send({
        user: userDto(result.user),
        invitation_link: result.invitationLink,
        email_queued: result.emailQueued,
      });
    },
  });

  api.patch('/users/:id/availability', {
    config: READ,
    schema: {
      tags: TAGS,
      summary:
        "Set an agent's availability and capacity (themselves, or anyone for teammate managers)",
      params: idParam,
      body: z.object({
        availability: z.enum(['online', 'offline', 'busy']).optional(),
        max_open_conversations: z.number().int().min(0).max(10_000).optional(),
      }),
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      if (principal.userId !== request.params.id && !can(principal, 'account_settings.teammates')) {
        throw new DomainError('PERMISSION_DENIED', {
          details: { permission: 'account_settings.teammates' },
        });
      }
      const user = await services.users.setAvailability(principal.accountId, request.params.id, {
        status: request.body.availability,
        maxOpenConversations: request.body.max_open_conversations,
      });
      return userDto(user);
    },
  });

  api.post('/users/apps', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary:
        'Create an app user (the identity an integration or bot acts as); give it app tokens',
      body: z.object({
        name: z.string().trim().min(1).max(100),
        role_id: z.number().int().positive(),
      }),
      response: { 201: userSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const user = await services.users.createAppUser(principalOf(request).accountId, {
        name: request.body.name,
        roleId: request.body.role_id,
      });
      return reply.status(201).send(userDto(user));
    },
  });

  api.patch('/users/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: "Change a user's role",
      params: idParam,
      body: z.object({ role_id: z.number().int().positive() }),
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      await services.users.updateRole(accountId, request.params.id, request.body.role_id);
      return userDto(await services.users.get(accountId, request.params.id));
    },
  });

  api.delete('/users/:id', {
    config: MANAGE,
    schema: {
      tags: TAGS,
      summary: 'Remove a user from the account',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await services.users.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
