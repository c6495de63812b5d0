import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import type { Flow } from '../../engine/flow.js';
import { validateFlow, type FlowProblem } from '../../engine/validate.js';
import type { BotRow } from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';
import {
  type BotView,
  checkRevision,
  freezeVersion,
  lockBot,
  readBot,
  validatedJson,
} from './bot-versions.js';

/** A bot's draft as the editor loads it, with what full validation says about it. */
export interface Draft {
  readonly bot: BotRow;
  readonly flow: unknown;
  readonly revision: number;
  readonly problems: readonly FlowProblem[];
}

function draftOf(bot: BotRow): Draft {
  const flow: unknown = JSON.parse(bot.draft_flow);
  const result = validateFlow(flow);
  return { bot, flow, revision: bot.draft_revision, problems: result.ok ? [] : result.problems };
}

/** The largest draft revision: `bots.draft_revision` is an `integer` on PostgreSQL. */
const MAX_DRAFT_REVISION = 2_147_483_647;

/**
 * The draft flow the builder edits. Saving only needs a structurally sound document (the
 * caller parses it with `flowSchema`): a flow under construction is semantically
 * incomplete most of the time, so its problems come back with it instead of refusing it.
 * Every save moves the revision; a save against an older revision is refused.
 */
export class BotDrafts {
  constructor(private readonly context: ServiceContext) {}

  async get(accountId: number, botId: number): Promise<Draft> {
    return draftOf(await readBot(this.context.db, accountId, botId));
  }

  async save(
    accountId: number,
    botId: number,
    flow: Flow,
    expectedRevision?: number,
  ): Promise<Draft> {
    // A revision past the column's range (PostgreSQL's `integer`) cannot be the draft's, and
    // comparing with it in SQL is an error there: it is a stale revision, without asking.
    if (expectedRevision !== undefined && expectedRevision > MAX_DRAFT_REVISION) {
      return this.#refused(accountId, botId, expectedRevision);
    }
    // One conditional UPDATE is the compare-and-set: no lock, no window between check and write.
    let update = this.context.db
      .updateTable('bots')
      .set((eb) => ({
        draft_flow: JSON.stringify(flow),
        draft_revision: eb('draft_revision', '+', 1),
        updated_at: Date.now(),
      }))
      .where('account_id', '=', accountId)
      .where('id', '=', botId)
      .where('deleted_at', 'is', null);
    if (expectedRevision !== undefined)
      update = update.where('draft_revision', '=', expectedRevision);
    const saved = await update.returningAll().executeTakeFirst();
    if (saved !== undefined) return draftOf(saved);
    return this.#refused(accountId, botId, expectedRevision);
  }

  /** Why a save matched nothing: there is no such bot here, or the revision moved on. */
  async #refused(accountId: number, botId: number, expectedRevision?: number): Promise<never> {
    const current = await readBot(this.context.db, accountId, botId);
    checkRevision(current, expectedRevision);
    throw new DomainError('DRAFT_REVISION_CONFLICT');
  }

  /** Validates the draft, or `flow` when given (the editor's unsaved state), of a bot. */
  async validate(accountId: number, botId: number, flow?: unknown): Promise<FlowProblem[]> {
    const bot = await readBot(this.context.db, accountId, botId);
    const draft: unknown = flow ?? JSON.parse(bot.draft_flow);
    const result = validateFlow(draft);
    return result.ok ? [] : result.problems;
  }

  /**
   * Deploys the saved draft as the next version (see freezeVersion). With
   * `expectedRevision`, only if the draft is still the one the editor showed.
   */
  async deploy(
    accountId: number,
    botId: number,
    deployedBy: number | null,
    expectedRevision?: number,
  ): Promise<{ bot: BotView; version: number }> {
    return inTransaction(this.context.db, async (unit) => {
      const bot = await lockBot(unit.db, this.context.dialect, accountId, botId);
      checkRevision(bot, expectedRevision);
      const flow: unknown = JSON.parse(bot.draft_flow);
      const frozen = await freezeVersion(unit, bot, validatedJson(flow), deployedBy, null);
      this.context.caches.changedOnCommit(unit, accountId, 'bots');
      const version = frozen.version.version;
      return { bot: { ...frozen.bot, deployed_version: version }, version };
    });
  }
}
