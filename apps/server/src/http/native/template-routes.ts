import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses } from './schemas.js';

/** A template's stored components: a list (anything else reads as none). */
const storedComponents = z.array(z.unknown()).catch([]);

const TAGS = ['Native: channels'];

const templateSchema = z.object({
  id: z.number(),
  channel_id: z.number().nullable(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.enum(['approved', 'pending', 'rejected']),
  components: z.array(z.unknown()),
});

/**
 * WhatsApp message templates as account records (the channels issue syncs them from
 * Meta); conversations started from our side must use an approved one.
 */
export function registerTemplateRoutes(
  app: FastifyInstance,
  { database, services }: Runtime,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { db } = database;

  api.get('/templates', {
    config: { auth: { mode: 'principal' } },
    schema: {
      tags: TAGS,
      summary: 'List message templates',
      response: { 200: z.object({ templates: z.array(templateSchema) }), ...errorResponses },
    },
    handler: async (request) => {
      const rows = await db
        .selectFrom('templates')
        .selectAll()
        .where('account_id', '=', principalOf(request).accountId)
        .orderBy('id')
        .execute();
      return {
        templates: rows.map((row) => ({
          ...row,
          components: storedComponents.parse(JSON.parse(row.components)),
        })),
      };
    },
  });

  api.put('/templates', {
    config: { auth: { mode: 'principal', permission: 'channel_configuration.whatsapp.templates' } },
    schema: {
      tags: TAGS,
      summary: 'Create or update a template by name and language',
      body: z.object({
        channel_id: z.number().int().positive().nullable().default(null),
        name: z
          .string()
          .regex(/^[a-z0-9_]{1,512}$/, 'must be lowercase letters, digits and underscores'),
        language: z.string().min(2).max(16).default('en'),
        category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']).default('UTILITY'),
        status: z.enum(['approved', 'pending', 'rejected']),
        components: z.array(z.unknown()).default([]),
      }),
      response: { 200: templateSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const { channel_id, name, language, category, status, components } = request.body;
      // The foreign key only proves the channel exists; it must also be this account's.
      if (channel_id !== null) await services.channels.get(accountId, channel_id);
      const now = Date.now();
      const values = {
        channel_id,
        category,
        status,
        components: JSON.stringify(components),
        updated_at: now,
      };
      const row = await db
        .insertInto('templates')
        .values({ account_id: accountId, name, language, created_at: now, ...values })
        .onConflict((conflict) =>
          conflict.columns(['account_id', 'name', 'language']).doUpdateSet(values),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ...row, components };
    },
  });
}
