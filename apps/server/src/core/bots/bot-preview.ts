import { z } from 'zod';
import type { Db } from '../../storage/database.js';
import type { BotRow, FlowVersionRow } from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import { lockBot, validatedJson } from './bot-versions.js';
import { DEPLOYED_BOT_COLUMNS, type DeployedBot } from './bot-selection.js';

/**
 * Previewing a draft (WotNot's "Testing a chatbot"): the draft is frozen as a *preview
 * version* — a flow_versions row with a negative number, never listed, never deployed — so
 * a preview conversation runs exactly like a live one (sessions pin their version, turns
 * are durable) while the deployed flow keeps serving real visitors. The preview channel
 * (external id `preview:<preview_key>`) names the version new preview sessions start on.
 */
export const PREVIEW_CHANNEL_PREFIX = 'preview:';

const previewConfig = z.object({ previewVersionId: z.number().int() });

export function isPreviewChannel(externalId: string | null): boolean {
  return externalId?.startsWith(PREVIEW_CHANNEL_PREFIX) === true;
}

/** The draft as a preview version: the latest one when the draft has not changed since. */
export async function freezePreview(
  unit: UnitOfWork,
  dialect: 'sqlite' | 'postgres',
  bot: BotRow,
): Promise<FlowVersionRow> {
  // Validated like a deploy: an invalid draft names its faulty nodes instead of running.
  const json = validatedJson(JSON.parse(bot.draft_flow));
  await lockBot(unit.db, dialect, bot.account_id, bot.id);
  const latest = await unit.db
    .selectFrom('flow_versions')
    .selectAll()
    .where('account_id', '=', bot.account_id)
    .where('bot_id', '=', bot.id)
    .where('version', '<', 0)
    .orderBy('version')
    .limit(1)
    .executeTakeFirst();
  if (latest?.flow === json) return latest;
  return unit.db
    .insertInto('flow_versions')
    .values({
      account_id: bot.account_id,
      bot_id: bot.id,
      version: (latest?.version ?? 0) - 1,
      flow: json,
      created_by: null,
      restored_from: null,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The bot and preview version a new session on a preview channel starts on. */
export async function previewDeployment(
  db: Db,
  accountId: number,
  channelConfig: string,
): Promise<DeployedBot | undefined> {
  const parsed = previewConfig.safeParse(JSON.parse(channelConfig));
  if (!parsed.success) return undefined;
  const version = await db
    .selectFrom('flow_versions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', parsed.data.previewVersionId)
    .executeTakeFirst();
  if (version === undefined) return undefined;
  const bot = await db
    .selectFrom('bots')
    .select(DEPLOYED_BOT_COLUMNS)
    .where('account_id', '=', accountId)
    .where('id', '=', version.bot_id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return bot === undefined ? undefined : { bot, version };
}
