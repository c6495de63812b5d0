import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleConfigurationSchema } from '../../core/roles/role-configuration.js';
import type { Runtime } from '../../runtime.js';
import { wotnotErrors } from './wotnot-errors.js';
import {
  accountParams,
  looseBoolean,
  numericId,
  okResponse,
  wotnotDate,
  wotnotErrorResponse,
} from './wotnot-schemas.js';

const TAGS = ['WotNot: users and roles'];
const errors = {
  400: wotnotErrorResponse,
  401: wotnotErrorResponse,
  403: wotnotErrorResponse,
  404: wotnotErrorResponse,
};

const userInRole = z.object({
  user_type_id: z.number(),
  image_url: z.string().nullable(),
  last_name: z.string().nullable(),
  first_name: z.string().nullable(),
  id: z.number(),
  email: z.string(),
});

const rolesResponse = z.object({
  roles: z.array(
    z.object({
      role_configuration: roleConfigurationSchema,
      users_in_role: z.array(userInRole),
      master_role_id: z.number().nullable(),
      id: z.number(),
      role_name: z.string(),
      description: z.string(),
      created_at: z.string(),
    }),
  ),
  ok: z.literal(true),
  pagination: z.object({ offset: z.number(), limit: z.number(), total: z.number() }),
});

/** WotNot's `user_type_id`: 1 for people, 2 for app (integration) users. */
const USER_TYPE_IDS = { human: 1, app: 2 } as const;

/** The four WotNot user and role endpoints (Public APIs: "Fetch account roles" onwards). */
export function registerWotnotUserRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/accounts/:account/user-roles', {
    config: { errors: wotnotErrors, auth: { mode: 'principal', accountParam: 'account' } },
    schema: {
      tags: TAGS,
      summary: 'Fetch account roles',
      params: accountParams,
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: rolesResponse, ...errors },
    },
    handler: async (request) => {
      const accountId = Number(request.params.account);
      const { limit, offset } = request.query;
      const { roles, total } = await services.roles.list(accountId, { limit, offset });
      return {
        roles: roles.map(({ role, configuration, users }) => ({
          role_configuration: configuration,
          users_in_role: users.map((user) => ({
            user_type_id: USER_TYPE_IDS[user.kind],
            image_url: user.image_url,
            last_name: user.last_name,
            first_name: user.first_name,
            id: user.id,
            email: user.email,
          })),
          master_role_id: role.master_role_id,
          id: role.id,
          role_name: role.name,
          description: role.description,
          created_at: wotnotDate(role.created_at),
        })),
        ok: true as const,
        pagination: { offset, limit, total },
      };
    },
  });

  api.post('/v1/accounts/:account/user', {
    config: {
      errors: wotnotErrors,
      auth: {
        mode: 'principal',
        accountParam: 'account',
        permission: 'account_settings.teammates',
      },
    },
    schema: {
      tags: TAGS,
      summary: 'Invite user to account',
      params: accountParams,
      body: z.object({
        user: z.object({
          email: z.email(),
          first_name: z.string().max(100).optional(),
          last_name: z.string().max(100).optional(),
          role_id: numericId,
        }),
        notify_user: looseBoolean.optional(),
      }),
      response: {
        200: z.object({
          invitation_link: z.string(),
          ok: z.literal(true),
          status: z.literal('invited'),
        }),
        ...errors,
        409: wotnotErrorResponse,
      },
    },
    handler: async (request) => {
      const { user, notify_user } = request.body;
      const result = await services.users.invite(Number(request.params.account), {
        email: user.email,
        firstName: user.first_name,
        lastName: user.last_name,
        roleId: user.role_id,
        notify: notify_user ?? false,
      });
      return {
        invitation_link: result.invitationLink,
        ok: true as const,
        status: 'invited' as const,
      };
    },
  });

  const userParams = z.object({ account: z.string(), user: numericId });

  api.put('/v1/accounts/:account/users/:user', {
    config: {
      errors: wotnotErrors,
      auth: {
        mode: 'principal',
        accountParam: 'account',
        permission: 'account_settings.teammates',
      },
    },
    schema: {
      tags: TAGS,
      summary: 'Update user role',
      params: userParams,
      body: z.object({ role_id: numericId }),
      response: { 200: okResponse, ...errors, 409: wotnotErrorResponse },
    },
    handler: async (request) => {
      await services.users.updateRole(
        Number(request.params.account),
        request.params.user,
        request.body.role_id,
      );
      return { ok: true as const };
    },
  });

  api.delete('/v1/accounts/:account/users/:user', {
    config: {
      errors: wotnotErrors,
      auth: {
        mode: 'principal',
        accountParam: 'account',
        permission: 'account_settings.teammates',
      },
    },
    schema: {
      tags: TAGS,
      summary: 'Remove user from account',
      params: userParams,
      response: { 200: okResponse, ...errors, 409: wotnotErrorResponse },
    },
    handler: async (request) => {
      await services.users.remove(Number(request.params.account), request.params.user);
      return { ok: true as const };
    },
  });
}
