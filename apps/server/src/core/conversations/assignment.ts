import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';

/**
 * Round robin within a team: among members who are active, online and under their open-
 * conversation capacity (0 = unlimited), the one assigned longest ago (never first) gets
 * the conversation. Returns the chosen user, or null when nobody is available — the
 * conversation then waits with the team. Runs in the assigning transaction; on PostgreSQL
 * the team's member rows are locked so concurrent assignments take turns.
 */
export async function nextAgentInTeam(
  db: Db,
  dialect: DialectName,
  accountId: number,
  teamId: number,
  now: number,
): Promise<number | null> {
  const members = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select([
      'users.id as userId',
      'users.max_open_conversations as capacity',
      'team_members.last_assigned_at as lastAssignedAt',
    ])
    .where('team_members.account_id', '=', accountId)
    .where('team_members.team_id', '=', teamId)
    .where('users.kind', '=', 'human')
    .where('users.status', '=', 'active')
    .where('users.availability', '=', 'online')
    .$if(dialect === 'postgres', (query) => query.forUpdate('team_members'))
    .execute();
  if (members.length === 0) return null;
  const open = await new ConversationsRepository(db, accountId).openCountsByAssignee(
    members.map((member) => member.userId),
  );
  const available = members
    .filter((member) => member.capacity === 0 || (open.get(member.userId) ?? 0) < member.capacity)
    .sort((a, b) => (a.lastAssignedAt ?? -1) - (b.lastAssignedAt ?? -1) || a.userId - b.userId);
  const chosen = available[0];
  if (chosen === undefined) return null;
  await db
    .updateTable('team_members')
    .set({ last_assigned_at: now })
    .where('account_id', '=', accountId)
    .where('team_id', '=', teamId)
    .where('user_id', '=', chosen.userId)
    .execute();
  return chosen.userId;
}
