import { z } from 'zod';
import type { Draft } from '../../core/bots/bot-drafts.js';
import type { BotTemplate } from '../../core/bots/bot-templates.js';
import type { VersionDetail, VersionSummary } from '../../core/bots/bot-versions.js';
import type { BotView } from '../../core/bots/bots-service.js';
import type { FlowProblem } from '../../engine/validate.js';

/** A bot's stored channel types: a list of names (anything else reads as none). */
const channelNames = z.array(z.string()).catch([]);

/** The channel names a bot lists (WotNot's, as stored in `bots.channel_types`). */
const BOT_CHANNELS = [
  'WEB',
  'API',
  'WHATSAPP',
  'SMS',
  'TELEGRAM',
  'FACEBOOK',
  'INSTAGRAM',
  'EMAIL',
] as const;

export const channelList = z
  .array(z.string().trim().toUpperCase().pipe(z.enum(BOT_CHANNELS)))
  .max(BOT_CHANNELS.length)
  .refine((list) => new Set(list).size === list.length, 'lists a channel twice');

/** A body a client may leave out entirely (Fastify hands the schema null then). */
export function optionalBody<T extends z.ZodObject>(schema: T) {
  return schema.nullish().transform((body) => body ?? schema.parse({}));
}

export const botTitle = z.string().trim().min(1).max(200);
/** A draft revision, as sent back by the editor (`revision`) or in `If-Match`. */
export const revision = z.number().int().positive();
export const ifMatchHeaders = z
  .object({
    'if-match': z
      .string()
      .regex(/^\s*(?:\*|(?:W\/)?"?\d+"?)\s*$/, 'must be a draft revision ETag such as "3", or *')
      .optional(),
  })
  .loose();

/** The revision a write is conditioned on: the body's `revision`, else `If-Match` (`*`: none). */
export function expectedRevision(
  body: number | undefined,
  ifMatch: string | undefined,
): number | undefined {
  if (body !== undefined) return body;
  const digits = ifMatch === undefined ? undefined : /\d+/.exec(ifMatch)?.[0];
  return digits === undefined ? undefined : Number(digits);
}

const isoTime = (epochMs: number | null): string | null =>
  epochMs === null ? null : new Date(epochMs).toISOString();
const flowDocument = z.record(z.string(), z.unknown());

export const botSchema = z.object({
  id: z.number(),
  title: z.string(),
  type: z.enum(['inbound', 'outbound']),
  channels: z.array(z.string()),
  priority: z.number(),
  language: z.string(),
  active: z.boolean(),
  bot_key: z.string(),
  preview_key: z.string(),
  owner_user_id: z.number().nullable(),
  /** The number of the version the bot runs; null before the first deploy. */
  deployed_version: z.number().nullable(),
  last_deployed_at: z.string().nullable(),
  draft_revision: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function botDto(bot: BotView): z.infer<typeof botSchema> {
  const channels: unknown = JSON.parse(bot.channel_types);
  return {
    id: bot.id,
    title: bot.title,
    type: bot.type,
    channels: channelNames.parse(channels),
    priority: bot.priority,
    language: bot.language,
    active: bot.active === 1,
    bot_key: bot.bot_key,
    preview_key: bot.preview_key,
    owner_user_id: bot.owner_user_id,
    deployed_version: bot.deployed_version,
    last_deployed_at: isoTime(bot.last_deployed_at),
    draft_revision: bot.draft_revision,
    created_at: new Date(bot.created_at).toISOString(),
    updated_at: new Date(bot.updated_at).toISOString(),
  };
}

export const problemSchema = z.object({
  /** The node at fault; null for a problem of the whole flow (no start block). */
  node_id: z.string().nullable(),
  /** Relative to the node when `node_id` is set, else to the flow document. */
  path: z.array(z.union([z.string(), z.number()])),
  code: z.string(),
  message: z.string(),
});

export function problemDto(problem: FlowProblem): z.infer<typeof problemSchema> {
  return {
    node_id: problem.nodeId,
    path: problem.path,
    code: problem.code,
    message: problem.message,
  };
}

export const validationSchema = z.object({
  valid: z.boolean(),
  problems: z.array(problemSchema),
});

export const draftSchema = validationSchema.extend({
  bot_id: z.number(),
  revision: z.number(),
  updated_at: z.string(),
  flow: flowDocument,
});

export function draftDto(draft: Draft): z.infer<typeof draftSchema> {
  return {
    bot_id: draft.bot.id,
    revision: draft.revision,
    updated_at: new Date(draft.bot.updated_at).toISOString(),
    flow: flowDocument.catch({}).parse(draft.flow),
    valid: draft.problems.length === 0,
    problems: draft.problems.map(problemDto),
  };
}

export const versionSchema = z.object({
  version: z.number(),
  created_at: z.string(),
  deployed: z.boolean(),
  /** The version a rollback copied; null for an ordinary deploy. */
  restored_from: z.number().nullable(),
  created_by: z.object({ id: z.number(), name: z.string(), email: z.string() }).nullable(),
});

export function versionDto(version: VersionSummary): z.infer<typeof versionSchema> {
  return {
    version: version.version,
    created_at: new Date(version.createdAt).toISOString(),
    deployed: version.deployed,
    restored_from: version.restoredFrom,
    created_by: version.author,
  };
}

export const versionDetailSchema = versionSchema.extend({ flow: flowDocument });

export function versionDetailDto(version: VersionDetail): z.infer<typeof versionDetailSchema> {
  return { ...versionDto(version), flow: flowDocument.catch({}).parse(version.flow) };
}

export const deployedSchema = z.object({ version: z.number(), bot: botSchema });

export const templateSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  flow: flowDocument,
});

export function templateDto(template: BotTemplate): z.infer<typeof templateSchema> {
  return { ...template, flow: flowDocument.catch({}).parse(template.flow) };
}
