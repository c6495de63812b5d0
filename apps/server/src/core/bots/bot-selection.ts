import { z } from 'zod';
import { compileFlow, type CompiledFlow } from '../../engine/runtime.js';
import { flowSchema } from '../../engine/flow.js';
import type { Db } from '../../storage/database.js';
import { PreparedQuery } from '../../storage/prepared-query.js';
import type { AccountCaches } from '../cache/account-caches.js';
import type { BotRow, ChannelType, FlowVersionRow } from '../../storage/schema-conversations.js';

/** Our channel types under the names WotNot bots list in `channel_types`. */
const WOTNOT_CHANNEL: Record<ChannelType, string> = {
  sandbox: 'SMS',
  sms: 'SMS',
  whatsapp: 'WHATSAPP',
  web: 'WEB',
  api: 'API',
  telegram: 'TELEGRAM',
  messenger: 'FACEBOOK',
  instagram: 'INSTAGRAM',
  email: 'EMAIL',
};

/** The same, for a type given as a string (event snapshots carry it so). */
const WOTNOT_CHANNEL_BY_TYPE: ReadonlyMap<string, string> = new Map(Object.entries(WOTNOT_CHANNEL));

export function wotnotChannelName(type: ChannelType): string {
  return WOTNOT_CHANNEL[type];
}

const channelTypes = z.array(z.string()).catch([]);

/**
 * What a turn needs of its bot: the row without its draft flow, which can be large and
 * which a turn never reads (it runs the deployed version).
 */
export type DeployedBotRow = Pick<
  BotRow,
  'id' | 'account_id' | 'bot_key' | 'channel_types' | 'deployed_version_id' | 'priority'
>;

/** The columns of DeployedBotRow, for the queries that load one. */
export const DEPLOYED_BOT_COLUMNS = [
  'id',
  'account_id',
  'bot_key',
  'channel_types',
  'deployed_version_id',
  'priority',
] as const;

/** The bot and deployed version a turn runs on. */
export interface DeployedBot {
  readonly bot: DeployedBotRow;
  readonly version: FlowVersionRow;
}

/**
 * Whether any active, deployed bot is published on channels of this type (asked for every
 * inbound message, so the account's answer is kept in `caches`).
 */
export async function anyBotServes(
  db: Db,
  caches: AccountCaches,
  accountId: number,
  channelType: string,
): Promise<boolean> {
  // Snapshots carry the type as a string; an unknown one has no bot.
  const wanted = WOTNOT_CHANNEL_BY_TYPE.get(channelType);
  if (wanted === undefined) return false;
  const served = await caches.deployedBotChannels.get(accountId, async () => {
    const bots = await db
      .selectFrom('bots')
      .select('channel_types')
      .where('account_id', '=', accountId)
      .where('active', '=', 1)
      .where('deployed_version_id', 'is not', null)
      .execute();
    // Parsed once per load, not per message: the answer is a set lookup.
    return new Set(
      bots.flatMap((bot) =>
        channelTypes.parse(JSON.parse(bot.channel_types)).map((name) => name.toUpperCase()),
      ),
    );
  });
  return served.has(wanted);
}

/**
 * The bot that answers a new conversation on a channel: active, deployed, listing the
 * channel, and first by priority (lowest number; WotNot's order), then by age.
 */
export async function pickBot(
  db: Db,
  caches: AccountCaches,
  accountId: number,
  channelType: ChannelType,
  /** A channel dedicated to one bot (the bot-chat API: its external id is the bot key). */
  dedicatedBotKey: string | null = null,
  /** Whether the bot's deployed flow takes the conversation (its Trigger's keywords). */
  accepts: (version: FlowVersionRow) => boolean = () => true,
): Promise<DeployedBot | undefined> {
  const wanted = wotnotChannelName(channelType);
  const bots = await db
    .selectFrom('bots')
    .select(DEPLOYED_BOT_COLUMNS)
    .where('account_id', '=', accountId)
    .where('active', '=', 1)
    .where('deployed_version_id', 'is not', null)
    .orderBy('priority')
    .orderBy('id')
    .execute();
  const dedicated =
    dedicatedBotKey === null
      ? undefined
      : bots.find((candidate) => candidate.bot_key === dedicatedBotKey);
  const candidates =
    dedicated === undefined
      ? bots.filter((candidate) =>
          channelTypes
            .parse(JSON.parse(candidate.channel_types))
            .some((name) => name.toUpperCase() === wanted),
        )
      : [dedicated];
  // By priority, the first bot whose trigger accepts the message answers it.
  for (const bot of candidates) {
    if (bot.deployed_version_id == null) continue;
    const version = await findVersion(db, caches, accountId, bot.deployed_version_id);
    if (version !== undefined && accepts(version)) return { bot, version };
  }
  return undefined;
}

/** A flow version of the account (kept in `caches`: versions never change). */
export async function findVersion(
  db: Db,
  caches: AccountCaches,
  accountId: number,
  versionId: number,
): Promise<FlowVersionRow | undefined> {
  const version = await caches.flowVersions.get(
    versionId,
    () => versionById.takeFirst(db, { accountId, id: versionId }),
    (found) => found !== undefined,
  );
  // Kept by id: another account's question about the same id gets nothing.
  return version?.account_id === accountId ? version : undefined;
}

/** A bot as a turn needs it, whether or not it is still active and deployed. */
export async function findDeployedBot(
  db: Db,
  caches: AccountCaches,
  accountId: number,
  botId: number,
): Promise<DeployedBotRow | undefined> {
  const bot = await caches.botsById.get(
    botId,
    () => deployedBotById.takeFirst(db, { accountId, id: botId }),
    (found) => found !== undefined,
  );
  return bot?.account_id === accountId ? bot : undefined;
}

// Every turn of a running session reads its bot and flow version: prepared.
interface AccountRowKey {
  accountId: number;
  id: number;
}
const versionById = new PreparedQuery<AccountRowKey, FlowVersionRow>((db, param) =>
  db
    .selectFrom('flow_versions')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('id', '=', param('id')),
);
const deployedBotById = new PreparedQuery<AccountRowKey, DeployedBotRow>((db, param) =>
  db
    .selectFrom('bots')
    .select(DEPLOYED_BOT_COLUMNS)
    .where('account_id', '=', param('accountId'))
    .where('id', '=', param('id')),
);

/**
 * Compiled flows by version id. Versions are immutable, so an entry never goes stale;
 * the cache only saves re-parsing the flow on every turn and is bounded by eviction of
 * the oldest entry.
 */
export class CompiledFlows {
  readonly #cache = new Map<number, CompiledFlow>();

  constructor(private readonly limit = 200) {}

  of(version: FlowVersionRow): CompiledFlow {
    const cached = this.#cache.get(version.id);
    if (cached !== undefined) return cached;
    // Deployed flows were validated on deploy; parsing again fills in schema defaults.
    const compiled = compileFlow(flowSchema.parse(JSON.parse(version.flow)));
    if (this.#cache.size >= this.limit) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    this.#cache.set(version.id, compiled);
    return compiled;
  }
}
