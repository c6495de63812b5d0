import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountSettingsSchema,
  readAccountSettings,
  writeAccountSettings,
} from '../../core/accounts/account-settings.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: account'];

/** Per-account behaviour and plan limits (WotNot's "user limit validation"). */
export function registerAccountSettingsRoutes(
  app: FastifyInstance,
  { database, context }: Runtime,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/account/settings', {
    config: { auth: { mode: 'principal' } },
    schema: {
      tags: TAGS,
      summary: 'Account settings and plan limits',
      response: { 200: accountSettingsSchema, ...errorResponses },
    },
    handler: (request) => readAccountSettings(database.db, principalOf(request).accountId),
  });

  api.put('/account/settings', {
    config: { auth: { mode: 'principal', permission: 'account_settings.settings' } },
    schema: {
      tags: TAGS,
      summary: 'Replace account settings and plan limits (null limits: unlimited)',
      body: z.object({
        reopenOnInbound: z.boolean().optional(),
        limits: z
          .object({
            conversationsPerMonth: z.number().int().min(0).nullable().optional(),
            agentSeats: z.number().int().min(0).nullable().optional(),
            bots: z.number().int().min(0).nullable().optional(),
          })
          .optional(),
        /** Replaces the global variables flows read as `{{global.<name>}}`. */
        variables: accountSettingsSchema.shape.variables.optional(),
      }),
      response: { 200: accountSettingsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const current = await readAccountSettings(database.db, accountId);
      const next = accountSettingsSchema.parse({
        reopenOnInbound: request.body.reopenOnInbound ?? current.reopenOnInbound,
        limits: { ...current.limits, ...request.body.limits },
        variables: request.body.variables ?? current.variables,
      });
      await writeAccountSettings(database.db, accountId, next);
      context.caches.changed(accountId, 'account_settings');
      return next;
    },
  });
}
