import type { Db } from '../database.js';
import type { TeamRow } from '../schema.js';

/** Teams of one account and their members. Every query is scoped by the account. */
export class TeamsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  list(): Promise<TeamRow[]> {
    return this.db
      .selectFrom('teams')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('id')
      .execute();
  }

  findById(id: number): Promise<TeamRow | undefined> {
    return this.db
      .selectFrom('teams')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByName(name: string): Promise<TeamRow | undefined> {
    return this.db
      .selectFrom('teams')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  insert(team: {
    name: string;
    description: string;
    assignment_mode: 'round_robin' | 'team';
  }): Promise<TeamRow> {
    const now = Date.now();
    return this.db
      .insertInto('teams')
      .values({ account_id: this.accountId, ...team, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    changes: { name?: string; description?: string; assignment_mode?: 'round_robin' | 'team' },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('teams')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('teams')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async memberIds(teamId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('team_members')
      .select('user_id')
      .where('account_id', '=', this.accountId)
      .where('team_id', '=', teamId)
      .orderBy('user_id')
      .execute();
    return rows.map((row) => row.user_id);
  }

  async replaceMembers(teamId: number, userIds: readonly number[]): Promise<void> {
    await this.db
      .deleteFrom('team_members')
      .where('account_id', '=', this.accountId)
      .where('team_id', '=', teamId)
      .execute();
    if (userIds.length === 0) return;
    const now = Date.now();
    await this.db
      .insertInto('team_members')
      .values(
        userIds.map((userId) => ({
          account_id: this.accountId,
          team_id: teamId,
          user_id: userId,
          created_at: now,
        })),
      )
      .execute();
  }
}
