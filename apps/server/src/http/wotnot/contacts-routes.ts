import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactVariablesSchema } from '../../core/contacts/contact-fields.js';
import type { ContactsService } from '../../core/contacts/contacts-service.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { wotnotErrors } from './wotnot-errors.js';
import { wotnotErrorResponse } from './wotnot-schemas.js';

const TAGS = ['WotNot: contacts'];

/** One contact of WotNot's bulk body; Joi's `.or('email', 'phone')` as a custom issue. */
const wotnotContact = z
  .object({
    name: z.string().max(200).optional(),
    email: z.email().optional(),
    phone: z.string().max(40).optional(),
    custom_variables: contactVariablesSchema.optional(),
  })
  .superRefine((contact, context) => {
    if (contact.email === undefined && contact.phone === undefined) {
      context.addIssue({ code: 'custom', message: 'must contain at least one of [email, phone]' });
    }
  });

export const wotnotContactsBody = z.object({ contacts: z.array(wotnotContact).min(1).max(500) });
export type WotnotContactsBody = z.infer<typeof wotnotContactsBody>;

const contactRef = z.object({
  id: z.number(),
  external_key: z.string().nullable(),
  key: z.string(),
  ok: z.literal(true),
});

export const wotnotContactsResponse = z.object({
  created: z.array(contactRef),
  updated: z.array(contactRef),
  /**
   * Parley's addition, present only when some item failed (an invalid phone): the items
   * are independent, so the others are still created or updated.
   */
  failed: z
    .array(
      z.object({
        index: z.number(),
        ok: z.literal(false),
        error: z.string(),
        message: z.string(),
      }),
    )
    .optional(),
});
export type WotnotContactsResponse = z.infer<typeof wotnotContactsResponse>;

/**
 * Creates or updates each contact of the body (by e-mail, else phone) and answers in the
 * seed's shape. Shared by `POST /v1/contacts` and `POST /v1/conversations` with `contacts`.
 */
export async function handleWotnotContactUpsert(
  services: { readonly contacts: ContactsService },
  accountId: number,
  body: WotnotContactsBody,
): Promise<WotnotContactsResponse> {
  const results = await services.contacts.upsertMany(
    accountId,
    body.contacts.map((contact) => ({
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      variables: contact.custom_variables,
    })),
  );
  const response: Required<WotnotContactsResponse> = { created: [], updated: [], failed: [] };
  results.forEach((result, index) => {
    if (!result.ok) {
      const { code, message } = result.error;
      response.failed.push({ index, ok: false, error: code, message });
      return;
    }
    const { id, external_key, key } = result.contact;
    (result.created ? response.created : response.updated).push({
      id,
      external_key,
      key,
      ok: true,
    });
  });
  const { failed, ...seedShape } = response;
  return failed.length > 0 ? response : seedShape;
}

/** `POST /v1/contacts`: the account comes from the token (these paths have no :account). */
export function registerWotnotContactRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Until runtime.services has `contacts`, the service is built here from the context.
  const services = { contacts: runtime.services.contacts };
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/contacts', {
    config: {
      errors: wotnotErrors,
      auth: { mode: 'principal', permission: 'contacts.full_access' },
    },
    schema: {
      tags: TAGS,
      summary: 'Create or update contacts (by email, else phone)',
      body: wotnotContactsBody,
      response: {
        200: wotnotContactsResponse,
        400: wotnotErrorResponse,
        401: wotnotErrorResponse,
        403: wotnotErrorResponse,
      },
    },
    handler: (request) =>
      handleWotnotContactUpsert(services, principalOf(request).accountId, request.body),
  });
}
