import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { botTemplates } from '../../core/bots/bot-templates.js';
import { BotsService } from '../../core/bots/bots-service.js';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import {
  botDto,
  botSchema,
  botTitle,
  channelList,
  optionalBody,
  templateDto,
  templateSchema,
} from './bot-editor-schemas.js';
import { errorResponses, idParam } from './schemas.js';

const TAGS = ['Native: bot editor'];
// The same role switches as WotNot's bot routes: the role document is what is enforced.
const READ = { auth: { mode: 'principal', permission: 'bot_builder.read_only_access' } } as const;
const BUILD = { auth: { mode: 'principal', permission: 'bot_builder.full_access' } } as const;

/**
 * The bot records the visual builder manages: list, create (empty, from a template, or as
 * a copy), settings, clone, delete. The draft, deploys and versions are in bot-flow-routes.
 */
export function registerBotEditorRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const bots = new BotsService(runtime.context);

  api.get('/bot-templates', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List the bot templates a new bot can start from',
      response: { 200: z.object({ templates: z.array(templateSchema) }), ...errorResponses },
    },
    handler: () => ({ templates: botTemplates().map(templateDto) }),
  });

  api.get('/bots', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List bots',
      response: { 200: z.object({ bots: z.array(botSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      bots: (await bots.list(principalOf(request).accountId)).map(botDto),
    }),
  });

  api.post('/bots', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary:
        'Create a bot: empty, from a bot template (`template_id`), or as a copy of another bot of the account (`clone_of`)',
      body: z
        .object({
          title: botTitle,
          channels: channelList.default(['WEB']),
          template_id: z.string().min(1).max(64).optional(),
          clone_of: z.number().int().positive().optional(),
        })
        .refine((body) => body.template_id === undefined || body.clone_of === undefined, {
          message: 'give template_id or clone_of, not both',
          path: ['clone_of'],
        }),
      response: { 201: botSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId, userId } = principalOf(request);
      const { title, channels, template_id, clone_of } = request.body;
      const created =
        clone_of === undefined
          ? await bots.create(accountId, {
              title,
              channelTypes: channels,
              templateId: template_id,
              ownerUserId: userId,
            })
          : await bots.clone(accountId, clone_of, {
              title,
              channelTypes: channels,
              ownerUserId: userId,
            });
      return reply.status(201).send(botDto(await bots.get(accountId, created.id)));
    },
  });

  api.get('/bots/:id', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Get a bot',
      params: idParam,
      response: { 200: botSchema, ...errorResponses },
    },
    handler: async (request) =>
      botDto(await bots.get(principalOf(request).accountId, request.params.id)),
  });

  api.patch('/bots/:id', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary: "Change a bot's settings",
      params: idParam,
      body: z.object({
        title: botTitle.optional(),
        priority: z.number().int().min(1).max(1_000).optional(),
        language: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}(?:-[A-Z]{2})?$/, 'must be a language code such as EN or PT-BR')
          .optional(),
        active: z.boolean().optional(),
        channels: channelList.optional(),
      }),
      response: { 200: botSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { title, priority, language, active, channels } = request.body;
      return botDto(
        await bots.update(principalOf(request).accountId, request.params.id, {
          title,
          priority,
          language,
          active,
          channelTypes: channels,
        }),
      );
    },
  });

  api.post('/bots/:id/clone', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary: 'Copy a bot (draft and settings, new keys, not deployed)',
      params: idParam,
      body: optionalBody(
        z.object({ title: botTitle.optional(), channels: channelList.optional() }),
      ),
      response: { 201: botSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { accountId, userId } = principalOf(request);
      const copy = await bots.clone(accountId, request.params.id, {
        title: request.body.title,
        channelTypes: request.body.channels,
        ownerUserId: userId,
      });
      return reply.status(201).send(botDto(await bots.get(accountId, copy.id)));
    },
  });

  api.delete('/bots/:id', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary: 'Delete a bot (it stops answering; past conversations keep their history)',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await bots.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
