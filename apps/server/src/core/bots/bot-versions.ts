import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { validateFlow, type FlowProblem } from '../../engine/validate.js';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import type { BotRow, FlowVersionRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';

/** A bot with the number of its deployed version (null before the first deploy). */
export type BotView = BotRow & { readonly deployed_version: number | null };

export class InvalidFlowError extends DomainError {
  constructor(readonly problems: readonly FlowProblem[]) {
    super('INVALID_FLOW', {
      message: `The flow has ${problems.length} problem(s).`,
      issues: problems.map((problem) => ({
        path: ['flow_diagram', 'nodes', problem.nodeId ?? '-', ...problem.path],
        message: `${problem.nodeId === null ? 'The flow' : `Node "${problem.nodeId}"`}: ${problem.message}`,
      })),
      // The same problems, structured, so an editor can mark each node at fault.
      details: {
        problems: problems.map((problem) => ({
          node_id: problem.nodeId,
          path: problem.path,
          code: problem.code,
          message: problem.message,
        })),
      },
    });
  }
}

/** A flow that passes full validation, serialized in the schema's normal form. */
export function validatedJson(flow: unknown): string {
  const result = validateFlow(flow);
  if (!result.ok) throw new InvalidFlowError(result.problems);
  return JSON.stringify(result.flow);
}

/** A live (not deleted) bot of the account; BOT_NOT_FOUND otherwise, whoever owns the id. */
export function readBot(db: Db, accountId: number, botId: number): Promise<BotRow> {
  return selectBot(db, accountId, botId, false);
}

/**
 * The same, and on PostgreSQL its row locked for the rest of the transaction, so two
 * deploys of one bot cannot pick the same version number and a revision check cannot race
 * a save. SQLite has a single writer already.
 */
export function lockBot(
  db: Db,
  dialect: DialectName,
  accountId: number,
  botId: number,
): Promise<BotRow> {
  return selectBot(db, accountId, botId, dialect === 'postgres');
}

async function selectBot(db: Db, accountId: number, botId: number, lock: boolean): Promise<BotRow> {
  const bot = await db
    .selectFrom('bots')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', botId)
    .where('deleted_at', 'is', null)
    .$if(lock, (query) => query.forNoKeyUpdate())
    .executeTakeFirst();
  if (bot === undefined) throw new DomainError('BOT_NOT_FOUND');
  return bot;
}

/** Refuses a change made against a draft revision that is no longer the current one. */
export function checkRevision(bot: BotRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== bot.draft_revision) {
    throw new DomainError('DRAFT_REVISION_CONFLICT', {
      details: { revision: bot.draft_revision, expected },
    });
  }
}

/**
 * Freezes `json` as the bot's next immutable version and deploys it. The draft becomes
 * that flow too (the editor then shows what is live); its revision moves only when its
 * text changes, so deploying what the editor just saved does not invalidate its revision.
 * Deploying publishes: the bot starts answering on its channels.
 */
export async function freezeVersion(
  unit: UnitOfWork,
  bot: BotRow,
  json: string,
  deployedBy: number | null,
  restoredFrom: number | null,
): Promise<{ bot: BotRow; version: FlowVersionRow }> {
  const latest = await unit.db
    .selectFrom('flow_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('bot_id', '=', bot.id)
    // Preview versions (bot-preview.ts) are numbered below zero and never deployed.
    .where('version', '>', 0)
    .executeTakeFirst();
  const now = Date.now();
  const version = await unit.db
    .insertInto('flow_versions')
    .values({
      account_id: bot.account_id,
      bot_id: bot.id,
      version: (latest?.version ?? 0) + 1,
      flow: json,
      created_by: deployedBy,
      restored_from: restoredFrom,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const updated = await unit.db
    .updateTable('bots')
    .set({
      draft_flow: json,
      draft_revision: json === bot.draft_flow ? bot.draft_revision : bot.draft_revision + 1,
      deployed_version_id: version.id,
      last_deployed_at: now,
      updated_at: now,
      active: 1,
    })
    .where('account_id', '=', bot.account_id)
    .where('id', '=', bot.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { bot: updated, version };
}

export interface VersionAuthor {
  readonly id: number;
  readonly email: string;
  readonly name: string;
}

export interface VersionSummary {
  readonly version: number;
  readonly createdAt: number;
  /** Whether this is the version the bot runs now. */
  readonly deployed: boolean;
  readonly restoredFrom: number | null;
  /** Who deployed it; null for an account token or a since-deleted user. */
  readonly author: VersionAuthor | null;
}

export interface VersionDetail extends VersionSummary {
  readonly flow: unknown;
}

/** The deployed versions of a bot: listing, reading, and rolling back to one. */
export class BotVersions {
  constructor(private readonly context: ServiceContext) {}

  /** Newest first. */
  async list(
    accountId: number,
    botId: number,
    page: { limit: number; offset: number },
  ): Promise<VersionSummary[]> {
    const bot = await readBot(this.context.db, accountId, botId);
    const rows = await this.#query(accountId, botId)
      .orderBy('v.version', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map((row) => summary(row, bot));
  }

  async get(accountId: number, botId: number, version: number): Promise<VersionDetail> {
    const bot = await readBot(this.context.db, accountId, botId);
    const row = await this.#query(accountId, botId)
      .select('v.flow')
      .where('v.version', '=', version)
      .executeTakeFirst();
    if (row === undefined) throw new DomainError('FLOW_VERSION_NOT_FOUND');
    const flow: unknown = JSON.parse(row.flow);
    return { ...summary(row, bot), flow };
  }

  /**
   * Deploys an earlier version again as a new version copied from it (history stays
   * append-only and records who rolled back when), and resets the draft to it. Rolling
   * back to the version that is live creates nothing and only discards the draft's
   * changes. The flow is validated again: the engine may have changed since it was frozen.
   */
  async rollback(
    accountId: number,
    botId: number,
    target: number,
    by: number | null,
    expectedRevision?: number,
  ): Promise<{ bot: BotView; version: number }> {
    return inTransaction(this.context.db, async (unit) => {
      const bot = await lockBot(unit.db, this.context.dialect, accountId, botId);
      checkRevision(bot, expectedRevision);
      const source = await unit.db
        .selectFrom('flow_versions')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('bot_id', '=', botId)
        .where('version', '=', target)
        .where('version', '>', 0)
        .executeTakeFirst();
      if (source === undefined) throw new DomainError('FLOW_VERSION_NOT_FOUND');
      if (source.id === bot.deployed_version_id) {
        const reset = await unit.db
          .updateTable('bots')
          .set({
            draft_flow: source.flow,
            draft_revision:
              source.flow === bot.draft_flow ? bot.draft_revision : bot.draft_revision + 1,
            updated_at: Date.now(),
          })
          .where('account_id', '=', accountId)
          .where('id', '=', botId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { bot: { ...reset, deployed_version: source.version }, version: source.version };
      }
      const flow: unknown = JSON.parse(source.flow);
      const frozen = await freezeVersion(unit, bot, validatedJson(flow), by, source.version);
      this.context.caches.changedOnCommit(unit, accountId, 'bots');
      const version = frozen.version.version;
      return { bot: { ...frozen.bot, deployed_version: version }, version };
    });
  }

  #query(accountId: number, botId: number) {
    return (
      this.context.db
        .selectFrom('flow_versions as v')
        .leftJoin('users as u', (join) =>
          join.onRef('u.id', '=', 'v.created_by').on('u.account_id', '=', accountId),
        )
        .select([
          'v.id',
          'v.version',
          'v.created_at',
          'v.created_by',
          'v.restored_from',
          'u.email as author_email',
          'u.first_name as author_first_name',
          'u.last_name as author_last_name',
        ])
        .where('v.account_id', '=', accountId)
        .where('v.bot_id', '=', botId)
        // Preview versions (negative numbers, bot-preview.ts) are not part of the history.
        .where('v.version', '>', 0)
    );
  }
}

interface VersionListRow {
  id: number;
  version: number;
  created_at: number;
  created_by: number | null;
  restored_from: number | null;
  author_email: string | null;
  author_first_name: string | null;
  author_last_name: string | null;
}

function summary(row: VersionListRow, bot: BotRow): VersionSummary {
  const name = [row.author_first_name, row.author_last_name]
    .filter((part) => part !== null && part !== '')
    .join(' ');
  return {
    version: row.version,
    createdAt: row.created_at,
    deployed: row.id === bot.deployed_version_id,
    restoredFrom: row.restored_from,
    author:
      row.created_by === null || row.author_email === null
        ? null
        : {
            id: row.created_by,
            email: row.author_email,
            name: name === '' ? row.author_email : name,
          },
  };
}
