import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BotsService } from '../../core/bots/bots-service.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import type { BotRow } from '../../storage/schema-conversations.js';
import { principalOf } from '../plugins/authenticate.js';
import { wotnotErrors } from './wotnot-errors.js';
import { accountParams, numericId, wotnotErrorResponse } from './wotnot-schemas.js';

/** A bot's stored channel types: a list of names (anything else reads as none). */
const channelNames = z.array(z.string()).catch([]);

const TAGS = ['WotNot: bots'];
const errors = {
  400: wotnotErrorResponse,
  401: wotnotErrorResponse,
  403: wotnotErrorResponse,
  404: wotnotErrorResponse,
};
const READ = {
  errors: wotnotErrors,
  auth: { mode: 'principal', permission: 'bot_builder.read_only_access' },
} as const;
const BUILD = {
  errors: wotnotErrors,
  auth: { mode: 'principal', permission: 'bot_builder.full_access' },
} as const;
const LANGUAGES: Readonly<Record<string, string>> = {
  EN: 'English',
  ES: 'Spanish',
  FR: 'French',
  DE: 'German',
  PT: 'Portuguese',
  HI: 'Hindi',
  AR: 'Arabic',
};

/** WotNot's timestamp in bot responses: `2025-05-05 10:37:43.128000` (UTC). */
export function wotnotTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '')}000`;
}

const flowResponse = z.object({
  ok: z.literal(true),
  data: z.string(),
  is_deployed: z.boolean(),
  last_deployed_at: z.string().nullable(),
});

function flowAnswer(bot: BotRow, flow: string): z.infer<typeof flowResponse> {
  return {
    ok: true,
    data: flow,
    is_deployed: bot.deployed_version_id !== null,
    last_deployed_at: bot.last_deployed_at === null ? null : wotnotTimestamp(bot.last_deployed_at),
  };
}

const botListItem = z.object({
  bot_title: z.string(),
  channels: z.array(z.object({ name: z.string() })),
  is_active: z.boolean(),
  bot_key: z.string(),
  last_deployed_at: z.string().nullable(),
  is_inactive_by_system: z.boolean(),
  priority: z.number(),
  preferred_bot_language: z.object({ label: z.string(), code: z.string() }),
  type: z.enum(['inbound', 'outbound']),
  outbound_type: z.string().nullable(),
  bot_owner: z.object({ id: z.number(), name: z.string(), email: z.string() }).nullable(),
  created_at: z.string(),
  preview_key: z.string(),
  bot_id: z.number(),
});

/** The WotNot bot endpoints: create, fetch flow, deploy, list (seed 001). */
export function registerWotnotBotRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const bots = new BotsService(runtime.context);
  const botParams = z.object({ bot: numericId });

  api.post('/v1/bot', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary: 'Create a bot (optionally copying the flow of another bot: `template_id`)',
      body: z.object({
        name: z.string().trim().min(1).max(200),
        template_id: numericId.optional(),
        channel: z.string().min(1).max(32).default('API'),
      }),
      response: { 200: z.object({ ok: z.literal(true), id: z.number() }), ...errors },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const bot = await bots.create(principal.accountId, {
        title: request.body.name,
        channelTypes: [request.body.channel.toUpperCase()],
        templateBotId: request.body.template_id,
        ownerUserId: principal.userId,
      });
      return { ok: true as const, id: bot.id };
    },
  });

  api.get('/v1/bots/:bot/flow', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: "Fetch a bot's flow (serialized as a string in `data`)",
      params: botParams,
      response: { 200: flowResponse, ...errors },
    },
    handler: async (request) => {
      const { bot, flow } = await bots.currentFlow(
        principalOf(request).accountId,
        request.params.bot,
      );
      return flowAnswer(bot, flow);
    },
  });

  api.post('/v1/bots/:bot/deploy', {
    config: BUILD,
    schema: {
      tags: TAGS,
      summary:
        'Validate and deploy a flow (`flow_diagram`: the flow JSON, as a string or an object)',
      params: botParams,
      body: z.object({
        flow_diagram: z.union([z.string().min(2), z.record(z.string(), z.unknown())]),
      }),
      response: { 200: flowResponse, ...errors },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const raw = request.body.flow_diagram;
      const flow: unknown = typeof raw === 'string' ? parseJson(raw) : raw;
      const deployed = await bots.deploy(
        principal.accountId,
        request.params.bot,
        flow,
        principal.userId,
      );
      return flowAnswer(deployed.bot, deployed.flow);
    },
  });

  api.get('/v1/accounts/:account/bots', {
    config: { ...READ, auth: { ...READ.auth, accountParam: 'account' } },
    schema: {
      tags: TAGS,
      summary: 'Fetch bots list',
      params: accountParams,
      response: { 200: z.object({ ok: z.literal(true), bots: z.array(botListItem) }), ...errors },
    },
    handler: async (request) => {
      const accountId = Number(request.params.account);
      const rows = await bots.list(accountId);
      const owners = await runtime.database.db
        .selectFrom('users')
        .select(['id', 'email', 'first_name', 'last_name'])
        .where('account_id', '=', accountId)
        .where('id', 'in', [
          0,
          ...rows.flatMap((bot) => (bot.owner_user_id === null ? [] : [bot.owner_user_id])),
        ])
        .execute();
      return {
        ok: true as const,
        bots: rows.map((bot) => {
          const owner = owners.find((user) => user.id === bot.owner_user_id);
          const channels = channelNames.parse(JSON.parse(bot.channel_types));
          return {
            bot_title: bot.title,
            channels: channels.map((name) => ({ name })),
            is_active: bot.active === 1,
            bot_key: bot.bot_key,
            last_deployed_at:
              bot.last_deployed_at === null ? null : wotnotTimestamp(bot.last_deployed_at),
            is_inactive_by_system: false,
            priority: bot.priority,
            preferred_bot_language: {
              label: LANGUAGES[bot.language] ?? bot.language,
              code: bot.language,
            },
            type: bot.type,
            outbound_type: null,
            bot_owner:
              owner === undefined
                ? null
                : {
                    id: owner.id,
                    name: [owner.first_name, owner.last_name]
                      .filter((part) => part !== null)
                      .join(' '),
                    email: owner.email,
                  },
            created_at: wotnotTimestamp(bot.created_at),
            preview_key: bot.preview_key,
            bot_id: bot.id,
          };
        }),
      };
    },
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('INVALID_FLOW', { message: '"flow_diagram" is not valid JSON.' });
  }
}
