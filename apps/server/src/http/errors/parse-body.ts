import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { refusingNulCharacters } from './nul-characters.js';

/**
 * For routes whose body has several shapes told apart by content (WotNot's
 * `POST /v1/conversations` is both "create contacts" and "create a conversation"): the
 * route keeps the union for the docs but lets the body through, and the handler parses it
 * with the right schema. Failures look exactly like Fastify's own validation errors, so
 * every dialect phrases them the same way.
 */
export const passThroughValidator: FastifySchemaCompiler<unknown> = refusingNulCharacters(
  () => (data: unknown) => ({ value: data }),
);

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw Object.assign(new Error('The request does not match the schema.'), {
    statusCode: 400,
    validation: result.error.issues.map(({ code, path, message, ...params }) => ({
      keyword: code,
      instancePath: `/${path.map(String).join('/')}`,
      message,
      params,
    })),
  });
}
