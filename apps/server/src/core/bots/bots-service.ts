import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { randomId } from '../ids.js';
import { readAccountSettings } from '../accounts/account-settings.js';
import { lockUntilCommit } from '../../storage/advisory-lock.js';
import type { Db } from '../../storage/database.js';
import type { BotRow, FlowVersionRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import { BotDrafts } from './bot-drafts.js';
import { botTemplate, EMPTY_FLOW } from './bot-templates.js';
import {
  BotVersions,
  freezeVersion,
  lockBot,
  validatedJson,
  type BotView,
} from './bot-versions.js';

export { EMPTY_FLOW } from './bot-templates.js';
export { InvalidFlowError, type BotView } from './bot-versions.js';

export interface NewBot {
  readonly title: string;
  readonly channelTypes: readonly string[];
  /** Another bot of the account to copy the draft flow of (WotNot's `template_id`). */
  readonly templateBotId?: number | undefined;
  /** A bot template (see botTemplates) to start the draft from. */
  readonly templateId?: string | undefined;
  readonly ownerUserId?: number | null | undefined;
}

/** What the editor's settings panel changes; undefined leaves a setting alone. */
export interface BotChanges {
  readonly title?: string | undefined;
  readonly priority?: number | undefined;
  readonly language?: string | undefined;
  readonly active?: boolean | undefined;
  readonly channelTypes?: readonly string[] | undefined;
}

export interface CloneOptions {
  readonly title?: string | undefined;
  readonly channelTypes?: readonly string[] | undefined;
  readonly ownerUserId?: number | null | undefined;
}

/**
 * Bots: a draft flow the builder edits and immutable deployed versions. Drafts and versions
 * have services of their own (`drafts`, `versions`); this one owns the bot records.
 */
export class BotsService {
  readonly drafts: BotDrafts;
  readonly versions: BotVersions;

  constructor(private readonly context: ServiceContext) {
    this.drafts = new BotDrafts(context);
    this.versions = new BotVersions(context);
  }

  list(accountId: number): Promise<BotView[]> {
    return this.#select(this.context.db, accountId).orderBy('bots.id').execute();
  }

  async get(accountId: number, botId: number): Promise<BotView> {
    const bot = await this.#select(this.context.db, accountId)
      .where('bots.id', '=', botId)
      .executeTakeFirst();
    if (bot === undefined) throw new DomainError('BOT_NOT_FOUND');
    return bot;
  }

  async create(accountId: number, input: NewBot): Promise<BotRow> {
    return inTransaction(this.context.db, async (unit) => {
      let draft = JSON.stringify(
        input.templateId === undefined ? EMPTY_FLOW : botTemplate(input.templateId).flow,
      );
      if (input.templateBotId !== undefined) {
        const template = await unit.db
          .selectFrom('bots')
          .select('draft_flow')
          .where('account_id', '=', accountId)
          .where('id', '=', input.templateBotId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (template === undefined)
          throw new DomainError('BOT_NOT_FOUND', { message: 'The template bot was not found.' });
        draft = template.draft_flow;
      }
      return this.#insert(unit, accountId, {
        title: input.title,
        channel_types: JSON.stringify(input.channelTypes),
        owner_user_id: input.ownerUserId ?? null,
        draft_flow: draft,
      });
    });
  }

  /**
   * A copy of a bot: its draft and settings, with keys of its own, inactive and never
   * deployed (its versions stay with the original). Counts toward the bot limit.
   */
  async clone(accountId: number, botId: number, options: CloneOptions = {}): Promise<BotRow> {
    return inTransaction(this.context.db, async (unit) => {
      const source = await this.#select(unit.db, accountId)
        .where('bots.id', '=', botId)
        .executeTakeFirst();
      if (source === undefined) throw new DomainError('BOT_NOT_FOUND');
      return this.#insert(unit, accountId, {
        title: options.title ?? `${source.title} (copy)`,
        type: source.type,
        channel_types:
          options.channelTypes === undefined
            ? source.channel_types
            : JSON.stringify(options.channelTypes),
        priority: source.priority,
        language: source.language,
        owner_user_id: options.ownerUserId ?? null,
        draft_flow: source.draft_flow,
      });
    });
  }

  async update(accountId: number, botId: number, changes: BotChanges): Promise<BotView> {
    const updated = await this.context.db
      .updateTable('bots')
      .set({
        title: changes.title,
        priority: changes.priority,
        language: changes.language,
        active: changes.active === undefined ? undefined : changes.active ? 1 : 0,
        channel_types:
          changes.channelTypes === undefined ? undefined : JSON.stringify(changes.channelTypes),
        updated_at: Date.now(),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', botId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (updated === undefined) throw new DomainError('BOT_NOT_FOUND');
    this.context.caches.changed(accountId, 'bots');
    return this.get(accountId, botId);
  }

  /**
   * Soft deletion: the bot stops answering and disappears from every API, while the
   * conversations and sessions that ran on its versions keep their history.
   */
  async remove(accountId: number, botId: number): Promise<void> {
    const now = Date.now();
    const removed = await this.context.db
      .updateTable('bots')
      .set({ deleted_at: now, active: 0, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', botId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (removed === undefined) throw new DomainError('BOT_NOT_FOUND');
    this.context.caches.changed(accountId, 'bots');
  }

  /** The flow a bot runs: its deployed version, or its draft before any deploy. */
  async currentFlow(
    accountId: number,
    botId: number,
  ): Promise<{ bot: BotRow; flow: string; version: FlowVersionRow | undefined }> {
    const bot = await this.get(accountId, botId);
    const version =
      bot.deployed_version_id === null
        ? undefined
        : await this.context.db
            .selectFrom('flow_versions')
            .selectAll()
            .where('account_id', '=', accountId)
            .where('id', '=', bot.deployed_version_id)
            .executeTakeFirst();
    return { bot, flow: version?.flow ?? bot.draft_flow, version };
  }

  /**
   * Validates a flow and freezes it as the bot's next immutable version (it becomes the
   * draft too). An invalid flow changes nothing and names every node at fault.
   */
  async deploy(
    accountId: number,
    botId: number,
    flow: unknown,
    deployedBy: number | null,
  ): Promise<{ bot: BotRow; flow: string }> {
    const json = validatedJson(flow);
    return inTransaction(this.context.db, async (unit) => {
      const bot = await lockBot(unit.db, this.context.dialect, accountId, botId);
      const frozen = await freezeVersion(unit, bot, json, deployedBy, null);
      this.context.caches.changedOnCommit(unit, accountId, 'bots');
      return { bot: frozen.bot, flow: json };
    });
  }

  /** Bots of the account that are not deleted, with their deployed version's number. */
  #select(db: Db, accountId: number) {
    return db
      .selectFrom('bots')
      .leftJoin('flow_versions', 'flow_versions.id', 'bots.deployed_version_id')
      .selectAll('bots')
      .select('flow_versions.version as deployed_version')
      .where('bots.account_id', '=', accountId)
      .where('bots.deleted_at', 'is', null);
  }

  /** Inserts a bot with fresh keys once the account's bot limit allows another one. */
  async #insert(
    unit: UnitOfWork,
    accountId: number,
    values: {
      title: string;
      channel_types: string;
      owner_user_id: number | null;
      draft_flow: string;
      type?: BotRow['type'];
      priority?: number;
      language?: string;
    },
  ): Promise<BotRow> {
    const { limits } = await readAccountSettings(unit.db, accountId);
    if (limits.bots !== null) {
      // Counted under a lock: creations at once must not all fit in the last free place.
      await lockUntilCommit(unit.db, this.context.dialect, ['bots-limit', accountId]);
      const row = await unit.db
        .selectFrom('bots')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (row.count >= limits.bots) throw new DomainError('MAXIMUM_BOTS_LIMIT_REACHED');
    }
    const now = Date.now();
    return unit.db
      .insertInto('bots')
      .values({
        ...values,
        account_id: accountId,
        bot_key: randomId(32),
        preview_key: randomId(32),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
