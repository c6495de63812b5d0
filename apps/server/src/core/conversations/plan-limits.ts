import type { ErrorCode } from '../errors/catalog.js';
import { DomainError } from '../errors/domain-error.js';
import { lockUntilCommit } from '../../storage/advisory-lock.js';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { readAccountSettings } from '../accounts/account-settings.js';

/**
 * WotNot's "user limit validation": an agent beyond the account's seats cannot act in
 * conversations, and conversations beyond the monthly allowance are not created. Each
 * action fails with its own WotNot code (MESSAGE_NOT_SENT, CONVERSATION_NOT_CLOSED, …).
 */
export async function assertAgentSeat(
  db: Db,
  accountId: number,
  userId: number | null,
  code: ErrorCode,
): Promise<void> {
  if (userId === null) return;
  const { limits } = await readAccountSettings(db, accountId);
  if (limits.agentSeats === null) return;
  const seated = await db
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'human')
    .where('status', '=', 'active')
    .orderBy('id')
    .limit(limits.agentSeats)
    .execute();
  if (!seated.some((row) => row.id === userId)) throw new DomainError(code);
}

export async function assertConversationAllowance(
  db: Db,
  dialect: DialectName,
  accountId: number,
  now: number,
): Promise<void> {
  const { limits } = await readAccountSettings(db, accountId);
  if (limits.conversationsPerMonth === null) return;
  // Counted under a lock: starts at once must not all fit in the last free place.
  await lockUntilCommit(db, dialect, ['conversations-allowance', accountId]);
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const row = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .where('created_at', '>=', monthStart)
    .executeTakeFirstOrThrow();
  if (row.count >= limits.conversationsPerMonth) throw new DomainError('CONVERSATION_NOT_CREATED');
}
