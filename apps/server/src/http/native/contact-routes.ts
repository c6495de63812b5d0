import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactVariables, contactVariablesSchema } from '../../core/contacts/contact-fields.js';
import type { Runtime } from '../../runtime.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam, nativeError } from './schemas.js';

const TAGS = ['Native: contacts'];
const READ = { auth: { mode: 'principal' } } as const;
const WRITE = { auth: { mode: 'principal', permission: 'contacts.full_access' } } as const;

/** Largest CSV an import accepts; each row is a transaction, so this also bounds its time. */
export const CSV_IMPORT_LIMIT_BYTES = 5 * 1024 * 1024;

const isoTime = (epochMs: number | null) =>
  epochMs === null ? null : new Date(epochMs).toISOString();

export const contactSchema = z.object({
  id: z.number(),
  key: z.string(),
  external_key: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  variables: contactVariablesSchema,
  blocked: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_activity_at: z.string().nullable(),
});

export function contactDto(contact: ContactRow): z.infer<typeof contactSchema> {
  return {
    id: contact.id,
    key: contact.key,
    external_key: contact.external_key,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    variables: contactVariables(contact),
    blocked: contact.blocked === 1,
    created_at: new Date(contact.created_at).toISOString(),
    updated_at: new Date(contact.updated_at).toISOString(),
    last_activity_at: isoTime(contact.last_activity_at),
  };
}

// Fields are nullable so a PATCH can clear them; the service checks e-mail and phone.
const contactFields = z.object({
  name: z.string().max(200).nullable().optional(),
  email: z.string().max(320).nullable().optional(),
  phone: z.string().max(40).nullable().optional(),
  variables: contactVariablesSchema.optional(),
  external_key: z.string().max(200).nullable().optional(),
});
const createBody = contactFields.refine(
  (body) => body.name != null || body.email != null || body.phone != null,
  { message: 'A contact needs at least a name, an email or a phone', path: [] },
);

const listQuery = z.object({
  q: z.string().max(200).optional(),
  blocked: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional(),
});

const importReport = z.object({
  created: z.number(),
  updated: z.number(),
  failed: z.array(z.object({ row: z.number(), error: z.string() })),
});

/**
 * The native contacts API: list and search (keyset pages), read, create, edit, block,
 * and CSV export (streamed) and import. Registered in a scope of its own so its
 * `text/csv` body parser applies to these routes only.
 */
export function registerContactRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Until runtime.services has `contacts`, the service is built here from the context.
  const contacts = runtime.services.contacts;

  void app.register((scope) => {
    scope.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: CSV_IMPORT_LIMIT_BYTES },
      (_request, body, done) => {
        done(null, typeof body === 'string' ? body : body.toString('utf8'));
      },
    );
    const api = scope.withTypeProvider<ZodTypeProvider>();

    api.get('/contacts', {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'List or search contacts (by name, e-mail or phone), oldest first',
        querystring: listQuery,
        response: {
          200: z.object({ contacts: z.array(contactSchema), next_cursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const { q, blocked, limit, cursor } = request.query;
        const page = await contacts.search(principalOf(request).accountId, {
          query: q,
          blocked,
          limit,
          afterId: cursor,
        });
        return {
          contacts: page.contacts.map(contactDto),
          next_cursor: page.nextCursor === null ? null : String(page.nextCursor),
        };
      },
    });

    // Static, so it wins over /contacts/:id.
    api.get('/contacts/export.csv', {
      config: WRITE,
      schema: {
        tags: TAGS,
        summary: 'Export every contact as CSV (streamed)',
        description:
          'Columns: id, key, external_key, name, email, phone, blocked, created_at, variables ' +
          '(JSON). Text a spreadsheet would run as a formula is prefixed with an apostrophe.',
        produces: ['text/csv'],
        // No response schema: the body is a stream, which Fastify pipes unserialised.
      },
      handler: (request, reply) =>
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="contacts.csv"')
          .send(contacts.exportCsv(principalOf(request).accountId)),
    });

    api.get('/contacts/:id', {
      config: READ,
      schema: {
        tags: TAGS,
        summary: 'Get a contact',
        params: idParam,
        response: { 200: contactSchema, ...errorResponses },
      },
      handler: async (request) =>
        contactDto(await contacts.get(principalOf(request).accountId, request.params.id)),
    });

    api.post('/contacts', {
      config: WRITE,
      schema: {
        tags: TAGS,
        summary: 'Create a contact',
        body: createBody,
        response: { 201: contactSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const contact = await contacts.create(principalOf(request).accountId, input(request.body));
        return reply.status(201).send(contactDto(contact));
      },
    });

    api.patch('/contacts/:id', {
      config: WRITE,
      schema: {
        tags: TAGS,
        summary: 'Edit a contact (variables are merged; null clears a field)',
        params: idParam,
        body: contactFields,
        response: { 200: contactSchema, ...errorResponses },
      },
      handler: async (request) =>
        contactDto(
          await contacts.update(
            principalOf(request).accountId,
            request.params.id,
            input(request.body),
          ),
        ),
    });

    for (const action of ['block', 'unblock'] as const) {
      api.post(`/contacts/:id/${action}`, {
        config: WRITE,
        schema: {
          tags: TAGS,
          summary: action === 'block' ? 'Block a contact' : 'Unblock a contact',
          params: idParam,
          response: { 200: contactSchema, ...errorResponses },
        },
        handler: async (request) =>
          contactDto(await contacts[action](principalOf(request).accountId, request.params.id)),
      });
    }

    api.post('/contacts/import', {
      config: WRITE,
      bodyLimit: CSV_IMPORT_LIMIT_BYTES,
      schema: {
        tags: TAGS,
        summary:
          'Import contacts from CSV (header: name, email, phone; other columns become variables)',
        consumes: ['text/csv'],
        body: z.string(),
        response: { 200: importReport, ...errorResponses, 413: nativeError },
      },
      handler: async (request) => {
        const report = await contacts.importCsv(principalOf(request).accountId, request.body);
        return { ...report, failed: [...report.failed] };
      },
    });
    return Promise.resolve();
  });
}

function input(body: z.infer<typeof contactFields>) {
  return {
    name: body.name,
    email: body.email,
    phone: body.phone,
    variables: body.variables,
    externalKey: body.external_key,
  };
}
