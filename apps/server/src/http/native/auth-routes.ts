import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sessionTokens } from '@parley/protocol';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { PUBLIC } from '../route-config.js';
import { errorResponses, userDto, userSchema } from './schemas.js';

const TAGS = ['Native: sign-in'];
const sessionResponse = sessionTokens;

/** Sign-in for the web app, invitation acceptance, and "who am I". */
export function registerAuthRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const toResponse = (tokens: Awaited<ReturnType<typeof services.sessions.login>>) => ({
    access_token: tokens.accessToken,
    token_type: 'Bearer' as const,
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refreshToken,
    user_id: tokens.userId,
    account_id: tokens.accountId,
  });

  api.post('/auth/login', {
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'Sign in with e-mail and password',
      security: [],
      body: z.object({
        email: z.email(),
        password: z.string().min(1).max(1_000),
        account_id: z.number().int().positive().optional(),
      }),
      response: { 200: sessionResponse, ...errorResponses },
    },
    handler: async (request) =>
      toResponse(
        await services.sessions.login(
          request.body.email,
          request.body.password,
          request.body.account_id,
        ),
      ),
  });

  api.post('/auth/refresh', {
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'Exchange a refresh token for new tokens (the old one stops working)',
      security: [],
      body: z.object({ refresh_token: z.string().min(1).max(200) }),
      response: { 200: sessionResponse, ...errorResponses },
    },
    handler: async (request) =>
      toResponse(await services.sessions.refresh(request.body.refresh_token)),
  });

  api.post('/invitations/accept', {
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'Accept an invitation: set a password and activate the user',
      security: [],
      body: z.object({
        invitation_key: z.string().min(1).max(200),
        password: z.string().min(8, 'must be at least 8 characters').max(1_000),
        first_name: z.string().max(100).optional(),
        last_name: z.string().max(100).optional(),
      }),
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { invitation_key, password, first_name, last_name } = request.body;
      return userDto(
        await services.users.acceptInvitation(invitation_key, password, {
          firstName: first_name,
          lastName: last_name,
        }),
      );
    },
  });

  api.get('/me', {
    config: { auth: { mode: 'principal' } },
    schema: {
      tags: TAGS,
      summary: 'The caller: account, user and kind of credential',
      response: {
        200: z.object({ account_id: z.number(), kind: z.string(), user: userSchema.nullable() }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const user =
        principal.userId === null
          ? null
          : userDto(await services.users.get(principal.accountId, principal.userId));
      return { account_id: principal.accountId, kind: principal.kind, user };
    },
  });
}
