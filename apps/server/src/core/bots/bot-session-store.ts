import { z } from 'zod';
import type { LogEntry, Session } from '../../engine/runtime.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { PreparedQuery } from '../../storage/prepared-query.js';
import type { ConversationRow } from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { BotSessionRow } from './bot-session-table.js';

/** How many step log entries a session keeps for the debugger view. */
export const LOG_LIMIT = 50;

const sessionSchema = z.object({
  flowVersion: z.number().optional(),
  nodeId: z.string().nullable(),
  status: z.enum(['active', 'waiting', 'ended']),
  variables: z.record(z.string(), z.unknown()),
  retries: z.record(z.string(), z.number()),
  endReason: z.literal('handover').optional(),
  pending: z.object({ nodeId: z.string(), callId: z.string() }).optional(),
  stack: z.array(z.string()).optional(),
  lastMessage: z.string().optional(),
  startedAt: z.number(),
  updatedAt: z.number(),
});

const logEntrySchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  outcome: z.string(),
  at: z.number(),
});

const stateSchema = z.object({
  session: sessionSchema,
  /** The one timer the session waits for; a `bot.timer` job for anything else is stale. */
  timer: z.object({ nodeId: z.string(), at: z.number() }).nullable().default(null),
  log: z.array(logEntrySchema).default([]),
});

/** What `bot_sessions.state` holds. */
export interface BotState {
  session: Session;
  timer: { nodeId: string; at: number } | null;
  log: LogEntry[];
}

export function parseState(json: string): BotState {
  const parsed = stateSchema.parse(JSON.parse(json));
  // Rebuilt field by field: exactOptionalPropertyTypes forbids `endReason: undefined`.
  const { endReason, flowVersion, pending, stack, lastMessage, ...rest } = parsed.session;
  const session: Session = {
    ...rest,
    ...(endReason === undefined ? {} : { endReason }),
    ...(flowVersion === undefined ? {} : { flowVersion }),
    ...(pending === undefined ? {} : { pending }),
    ...(stack === undefined ? {} : { stack }),
    ...(lastMessage === undefined ? {} : { lastMessage }),
  };
  return { session, timer: parsed.timer, log: parsed.log };
}

// Only what awaitsCall reads: a whole state with its log costs far more to validate.
const pendingSchema = z.object({ session: z.object({ pending: z.unknown().optional() }) });

/** Whether a stored state waits for a call's result (a webhook, code or AI block). */
export function awaitsCall(json: string): boolean {
  // A pending call is stored as `"pending":{…}`. Without that text nothing is pending, and the
  // state (its step log makes it a few KB) need not be parsed: most turns end so. With it
  // (which a variable's name or value could also produce), the parse decides.
  if (!json.includes('"pending":')) return false;
  return pendingSchema.parse(JSON.parse(json)).session.pending !== undefined;
}

/** Appends a turn's log, keeping only the newest LOG_LIMIT entries. */
export function appendLog(log: readonly LogEntry[], entries: readonly LogEntry[]): LogEntry[] {
  return [...log, ...entries].slice(-LOG_LIMIT);
}

// Every bot turn reads and locks these two rows and writes the session: prepared, in a
// locking variant for PostgreSQL (SQLite has no row locks, nor their syntax).
interface TurnKey {
  accountId: number;
  conversationId: number;
}
const conversationOf = (lock: boolean) =>
  new PreparedQuery<TurnKey, ConversationRow>((db, param) =>
    db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', param('accountId'))
      .where('id', '=', param('conversationId'))
      .$if(lock, (query) => query.forNoKeyUpdate()),
  );
const conversationUnlocked = conversationOf(false);
const conversationLocked = conversationOf(true);

const sessionOf = (lock: boolean) =>
  new PreparedQuery<TurnKey, BotSessionRow>((db, param) =>
    db
      .selectFrom('bot_sessions')
      .selectAll()
      .where('account_id', '=', param('accountId'))
      .where('conversation_id', '=', param('conversationId'))
      .$if(lock, (query) => query.forUpdate()),
  );
const sessionUnlocked = sessionOf(false);
const sessionLocked = sessionOf(true);

const updateSession = new PreparedQuery<
  Pick<BotSessionRow, 'id' | 'bot_id' | 'flow_version_id' | 'state' | 'status' | 'updated_at'>,
  never
>((db, param) =>
  db
    .updateTable('bot_sessions')
    .set({
      bot_id: param('bot_id'),
      flow_version_id: param('flow_version_id'),
      state: param('state'),
      status: param('status'),
      updated_at: param('updated_at'),
    })
    .where('id', '=', param('id')),
);

/**
 * Locks and reads the conversation row. On PostgreSQL `FOR NO KEY UPDATE` makes every turn
 * of a conversation (inbound messages, timers) wait for the one before it to commit, and
 * then read what it wrote; SQLite has a single writer, so its transactions are serial.
 * Not `FOR UPDATE`: that conflicts with the KEY SHARE lock every concurrent message INSERT
 * takes on the row through its foreign key, and deadlocks with the inbound path's own
 * UPDATE of the conversation (which takes NO KEY UPDATE, the same lock as this one).
 * The conversation row is always locked before the session row, so two paths can never
 * lock them in opposite orders (no deadlock).
 */
export function lockConversation(
  unit: UnitOfWork,
  dialect: DialectName,
  accountId: number,
  conversationId: number,
): Promise<ConversationRow | undefined> {
  const query = dialect === 'postgres' ? conversationLocked : conversationUnlocked;
  return query.takeFirst(unit.db, { accountId, conversationId });
}

/** The conversation's session row, locked (PostgreSQL) for the rest of the turn. */
export function lockSession(
  unit: UnitOfWork,
  dialect: DialectName,
  accountId: number,
  conversationId: number,
): Promise<BotSessionRow | undefined> {
  const query = dialect === 'postgres' ? sessionLocked : sessionUnlocked;
  return query.takeFirst(unit.db, { accountId, conversationId });
}

export interface SessionKey {
  readonly accountId: number;
  readonly conversationId: number;
  readonly botId: number;
  readonly flowVersionId: number;
}

/** Writes the session: an insert for the conversation's first bot, else an update. */
export async function saveSession(
  unit: UnitOfWork,
  existing: BotSessionRow | undefined,
  key: SessionKey,
  state: BotState,
  now: number,
): Promise<void> {
  const values = {
    bot_id: key.botId,
    flow_version_id: key.flowVersionId,
    state: JSON.stringify(state),
    status: state.session.status,
    updated_at: now,
  };
  if (existing === undefined) {
    await unit.db
      .insertInto('bot_sessions')
      .values({
        ...values,
        account_id: key.accountId,
        conversation_id: key.conversationId,
        created_at: now,
      })
      .execute();
    return;
  }
  await updateSession.execute(unit.db, { ...values, id: existing.id });
}
