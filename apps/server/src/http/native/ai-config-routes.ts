import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  FUNCTION_NAME,
  functionHeadersSchema,
  functionParametersSchema,
} from '../../ai/answer/functions.js';
import type { AiFunctionRow, AiPromptRow } from '../../ai/store/ai-config-tables.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { ErrorCode } from '../../core/errors/catalog.js';
import type { Runtime } from '../../runtime.js';
import { unlessTaken } from '../../storage/unique-violation.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: AI studio'];
const AI = { auth: { mode: 'principal', permission: 'ai_studio.full_access' } } as const;
const idParam = z.object({ id: z.coerce.number().int().positive() });

const promptBody = z.object({
  name: z.string().trim().min(1).max(128),
  text: z.string().trim().min(1).max(8_000),
});
const prompt = promptBody.extend({ id: z.number(), updated_at: z.number() });

const httpUrl = z
  .url()
  .max(2_048)
  .refine((value) => /^https?:\/\//i.test(value), 'the URL must be http or https');
const functionBody = z.object({
  name: z.string().regex(FUNCTION_NAME, 'letters, digits, _ and -, at most 64'),
  description: z.string().trim().min(1).max(1_024),
  parameters: functionParametersSchema,
  method: z.enum(['GET', 'POST']),
  url: httpUrl,
  headers: functionHeadersSchema,
});
/** A new function: headers default to none (a change leaves them alone unless given). */
const newFunctionBody = functionBody.extend({ headers: functionHeadersSchema.default({}) });
const aiFunction = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  method: z.enum(['GET', 'POST']),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  updated_at: z.number(),
});

const promptOut = (row: AiPromptRow) => ({
  id: row.id,
  name: row.name,
  text: row.text,
  updated_at: row.updated_at,
});
const functionOut = (row: AiFunctionRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  parameters: functionParametersSchema.parse(JSON.parse(row.parameters)),
  method: row.method,
  url: row.url,
  headers: functionHeadersSchema.parse(JSON.parse(row.headers)),
  updated_at: row.updated_at,
});

/** A name already taken in the account is a 409, not a 500. */
function uniqueName<T>(code: ErrorCode, work: () => Promise<T>): Promise<T> {
  return unlessTaken(work, () => new DomainError(code));
}

/**
 * The AI studio's named prompts (an AI block's `promptName`) and the functions the AI agent
 * may call (HTTP requests whose arguments a JSON Schema describes).
 */
export function registerAiConfigRoutes(app: FastifyInstance, { context }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = context.db;

  api.get('/ai/prompts', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Saved prompts',
      response: { 200: z.object({ prompts: z.array(prompt) }), ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const rows = await db
        .selectFrom('ai_prompts')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute();
      return { prompts: rows.map(promptOut) };
    },
  });

  api.post('/ai/prompts', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Save a prompt AI blocks can name',
      body: promptBody,
      response: { 201: prompt, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const now = Date.now();
      const row = await uniqueName('AI_PROMPT_ALREADY_EXISTS', () =>
        db
          .insertInto('ai_prompts')
          .values({ account_id: accountId, ...request.body, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return reply.code(201).send(promptOut(row));
    },
  });

  api.put('/ai/prompts/:id', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Change a prompt',
      params: idParam,
      body: promptBody.partial(),
      response: { 200: prompt, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const row = await uniqueName('AI_PROMPT_ALREADY_EXISTS', () =>
        db
          .updateTable('ai_prompts')
          .set({ ...request.body, updated_at: Date.now() })
          .where('account_id', '=', accountId)
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (row === undefined) throw new DomainError('RESOURCE_NOT_FOUND');
      return promptOut(row);
    },
  });

  api.delete('/ai/prompts/:id', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Delete a prompt',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const deleted = await db
        .deleteFrom('ai_prompts')
        .where('account_id', '=', accountId)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new DomainError('RESOURCE_NOT_FOUND');
      return reply.code(204).send(null);
    },
  });

  api.get('/ai/functions', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Functions the AI agent may call',
      response: { 200: z.object({ functions: z.array(aiFunction) }), ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const rows = await db
        .selectFrom('ai_functions')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute();
      return { functions: rows.map(functionOut) };
    },
  });

  const stored = ({ parameters, headers, ...rest }: Partial<z.infer<typeof functionBody>>) => ({
    ...rest,
    ...(parameters === undefined ? {} : { parameters: JSON.stringify(parameters) }),
    ...(headers === undefined ? {} : { headers: JSON.stringify(headers) }),
  });

  api.post('/ai/functions', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Add a function (an HTTP request) the AI agent may call',
      body: newFunctionBody,
      response: { 201: aiFunction, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const now = Date.now();
      const row = await uniqueName('AI_FUNCTION_ALREADY_EXISTS', () =>
        db
          .insertInto('ai_functions')
          .values({
            account_id: accountId,
            ...request.body,
            parameters: JSON.stringify(request.body.parameters),
            headers: JSON.stringify(request.body.headers),
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return reply.code(201).send(functionOut(row));
    },
  });

  api.put('/ai/functions/:id', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Change a function',
      params: idParam,
      body: functionBody.partial(),
      response: { 200: aiFunction, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId } = principalOf(request);
      const row = await uniqueName('AI_FUNCTION_ALREADY_EXISTS', () =>
        db
          .updateTable('ai_functions')
          .set({ ...stored(request.body), updated_at: Date.now() })
          .where('account_id', '=', accountId)
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (row === undefined) throw new DomainError('RESOURCE_NOT_FOUND');
      return functionOut(row);
    },
  });

  api.delete('/ai/functions/:id', {
    config: AI,
    schema: {
      tags: TAGS,
      summary: 'Delete a function',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId } = principalOf(request);
      const deleted = await db
        .deleteFrom('ai_functions')
        .where('account_id', '=', accountId)
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new DomainError('RESOURCE_NOT_FOUND');
      return reply.code(204).send(null);
    },
  });
}
