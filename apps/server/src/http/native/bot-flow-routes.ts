import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BotsService } from '../../core/bots/bots-service.js';
import { flowSchema } from '../../engine/flow.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import {
  botDto,
  deployedSchema,
  draftDto,
  draftSchema,
  expectedRevision,
  ifMatchHeaders,
  optionalBody,
  problemDto,
  revision,
  validationSchema,
  versionDetailDto,
  versionDetailSchema,
  versionDto,
  versionSchema,
} from './bot-editor-schemas.js';
import { errorResponses, idParam, pageQuery } from './schemas.js';

const TAGS = ['Native: bot editor'];
const READ = { auth: { mode: 'principal', permission: 'bot_builder.read_only_access' } } as const;
const BUILD = { auth: { mode: 'principal', permission: 'bot_builder.full_access' } } as const;
const versionParams = idParam.extend({ version: z.coerce.number().int().positive() });

/**
 * A bot's flow as the builder works on it: the draft (saved with optimistic concurrency:
 * the `revision` it was loaded at, in the body or as `If-Match`), validation, deploys, and
 * the immutable versions with rollback. The draft's revision is also its ETag.
 */
export function registerBotFlowRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const bots = new BotsService(runtime.context);

  api.get('/bots/:id/draft', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: "Get a bot's draft flow, its revision and its validation problems",
      params: idParam,
      response: { 200: draftSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const draft = await bots.drafts.get(principalOf(request).accountId, request.params.id);
      return reply.header('etag', `"${draft.revision}"`).send(draftDto(draft));
    },
  });

  api.put('/bots/:id/draft', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary:
        'Save the draft flow (structurally checked only; its validation problems come back with it). A stale `revision` or `If-Match` is 409 DRAFT_REVISION_CONFLICT',
      params: idParam,
      headers: ifMatchHeaders,
      body: z.object({ flow: flowSchema, revision: revision.optional() }),
      response: { 200: draftSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const draft = await bots.drafts.save(
        principalOf(request).accountId,
        request.params.id,
        request.body.flow,
        expectedRevision(request.body.revision, request.headers['if-match']),
      );
      return reply.header('etag', `"${draft.revision}"`).send(draftDto(draft));
    },
  });

  api.post('/bots/:id/validate', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Validate the saved draft, or the flow in the body (unsaved editor state)',
      params: idParam,
      body: optionalBody(z.object({ flow: z.record(z.string(), z.unknown()).optional() })),
      response: { 200: validationSchema, ...errorResponses },
    },
    handler: async (request) => {
      const problems = await bots.drafts.validate(
        principalOf(request).accountId,
        request.params.id,
        request.body.flow,
      );
      return { valid: problems.length === 0, problems: problems.map(problemDto) };
    },
  });

  api.post('/bots/:id/deploy', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary:
        'Validate the saved draft and deploy it as a new immutable version (invalid: 400 INVALID_FLOW, `details.problems` naming the nodes)',
      params: idParam,
      headers: ifMatchHeaders,
      body: optionalBody(z.object({ revision: revision.optional() })),
      response: { 200: deployedSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const { bot, version } = await bots.drafts.deploy(
        accountId,
        request.params.id,
        userId,
        expectedRevision(request.body.revision, request.headers['if-match']),
      );
      return { version, bot: botDto(bot) };
    },
  });

  api.get('/bots/:id/versions', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: "List a bot's deployed versions, newest first",
      params: idParam,
      querystring: pageQuery,
      response: { 200: z.object({ versions: z.array(versionSchema) }), ...errorResponses },
    },
    handler: async (request) => {
      const versions = await bots.versions.list(
        principalOf(request).accountId,
        request.params.id,
        request.query,
      );
      return { versions: versions.map(versionDto) };
    },
  });

  api.get('/bots/:id/versions/:version', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Get one version of a bot, with its flow',
      params: versionParams,
      response: { 200: versionDetailSchema, ...errorResponses },
    },
    handler: async (request) =>
      versionDetailDto(
        await bots.versions.get(
          principalOf(request).accountId,
          request.params.id,
          request.params.version,
        ),
      ),
  });

  api.post('/bots/:id/rollback', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary:
        'Deploy an earlier version again (as a new version copied from it) and reset the draft to it',
      params: idParam,
      headers: ifMatchHeaders,
      body: z.object({ version: z.number().int().positive(), revision: revision.optional() }),
      response: { 200: deployedSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { accountId, userId } = principalOf(request);
      const { bot, version } = await bots.versions.rollback(
        accountId,
        request.params.id,
        request.body.version,
        userId,
        expectedRevision(request.body.revision, request.headers['if-match']),
      );
      return { version, bot: botDto(bot) };
    },
  });
}
