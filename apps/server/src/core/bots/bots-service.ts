import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { randomId } from '../ids.js';
import { readAccountSettings } from '../accounts/account-settings.js';
import { validateFlow, type FlowProblem } from '../../engine/validate.js';
import type { BotRow, FlowVersionRow } from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';

/** The flow a new bot starts from: a start block and nothing else. */
export const EMPTY_FLOW = {
  schemaVersion: 1,
  variables: [],
  nodes: [{ id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 } }],
  edges: [],
};

export interface NewBot {
  readonly title: string;
  readonly channelTypes: readonly string[];
  /** Another bot of the account to copy the draft flow of (WotNot's `template_id`). */
  readonly templateBotId?: number | undefined;
  readonly ownerUserId?: number | null | undefined;
}

export class InvalidFlowError extends DomainError {
  constructor(readonly problems: readonly FlowProblem[]) {
    super('INVALID_FLOW', {
      message: `The flow has ${problems.length} problem(s).`,
      issues: problems.map((problem) => ({
        path: ['flow_diagram', 'nodes', problem.nodeId ?? '-', ...problem.path],
        message: `${problem.nodeId === null ? 'The flow' : `Node "${problem.nodeId}"`}: ${problem.message}`,
      })),
    });
  }
}

/** Bots: a draft flow the builder edits and immutable deployed versions. */
export class BotsService {
  constructor(private readonly context: ServiceContext) {}

  list(accountId: number): Promise<BotRow[]> {
    return this.context.db
      .selectFrom('bots')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }

  async get(accountId: number, botId: number): Promise<BotRow> {
    const bot = await this.context.db
      .selectFrom('bots')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', botId)
      .executeTakeFirst();
    if (bot === undefined) throw new DomainError('BOT_NOT_FOUND');
    return bot;
  }

  async create(accountId: number, input: NewBot): Promise<BotRow> {
    return inTransaction(this.context.db, async (unit) => {
      const { limits } = await readAccountSettings(unit.db, accountId);
      if (limits.bots !== null) {
        const row = await unit.db
          .selectFrom('bots')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow();
        if (row.count >= limits.bots) throw new DomainError('MAXIMUM_BOTS_LIMIT_REACHED');
      }
      let draft = JSON.stringify(EMPTY_FLOW);
      if (input.templateBotId !== undefined) {
        const template = await unit.db
          .selectFrom('bots')
          .select('draft_flow')
          .where('account_id', '=', accountId)
          .where('id', '=', input.templateBotId)
          .executeTakeFirst();
        if (template === undefined)
          throw new DomainError('BOT_NOT_FOUND', { message: 'The template bot was not found.' });
        draft = template.draft_flow;
      }
      const now = Date.now();
      return unit.db
        .insertInto('bots')
        .values({
          account_id: accountId,
          title: input.title,
          channel_types: JSON.stringify(input.channelTypes),
          owner_user_id: input.ownerUserId ?? null,
          bot_key: randomId(32),
          preview_key: randomId(32),
          draft_flow: draft,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
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
   * Validates a flow and freezes it as the bot's next immutable version. An invalid flow
   * changes nothing and names every node at fault.
   */
  async deploy(
    accountId: number,
    botId: number,
    flow: unknown,
    deployedBy: number | null,
  ): Promise<{ bot: BotRow; flow: string }> {
    const result = validateFlow(flow);
    if (!result.ok) throw new InvalidFlowError(result.problems);
    const json = JSON.stringify(result.flow);
    return inTransaction(this.context.db, async (unit) => {
      const bot = await unit.db
        .selectFrom('bots')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', botId)
        .executeTakeFirst();
      if (bot === undefined) throw new DomainError('BOT_NOT_FOUND');
      const latest = await unit.db
        .selectFrom('flow_versions')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('bot_id', '=', botId)
        .executeTakeFirst();
      const now = Date.now();
      const version = await unit.db
        .insertInto('flow_versions')
        .values({
          account_id: accountId,
          bot_id: botId,
          version: (latest?.version ?? 0) + 1,
          flow: json,
          created_by: deployedBy,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Deploying publishes: the bot starts answering on its channels.
      const changes = {
        draft_flow: json,
        deployed_version_id: version.id,
        last_deployed_at: now,
        updated_at: now,
        active: 1,
      };
      await unit.db
        .updateTable('bots')
        .set(changes)
        .where('account_id', '=', accountId)
        .where('id', '=', botId)
        .execute();
      return { bot: { ...bot, ...changes }, flow: json };
    });
  }
}
