import type { Db } from '../database.js';
import type { UserKind, UserRow, UserStatus } from '../schema.js';

/** Users of one account. Every query is scoped by the account given at construction. */
export class UsersRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  findById(id: number): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('email', '=', email)
      .executeTakeFirst();
  }

  listByRoles(roleIds: readonly number[]): Promise<UserRow[]> {
    if (roleIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('role_id', 'in', roleIds)
      .orderBy('id')
      .execute();
  }

  list(page: { limit: number; offset: number }): Promise<UserRow[]> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  /** Active users holding a role whose configuration lets them manage teammates. */
  async countActiveWithRoles(roleIds: readonly number[]): Promise<number> {
    if (roleIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('account_id', '=', this.accountId)
      .where('status', '=', 'active')
      .where('role_id', 'in', roleIds)
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async insert(user: {
    email: string;
    firstName: string | null;
    lastName: string | null;
    kind: UserKind;
    status: UserStatus;
    roleId: number;
    passwordHash: string | null;
    invitationKeyHash: string | null;
    invitationExpiresAt: number | null;
  }): Promise<UserRow> {
    const now = Date.now();
    return this.db
      .insertInto('users')
      .values({
        account_id: this.accountId,
        email: user.email,
        first_name: user.firstName,
        last_name: user.lastName,
        kind: user.kind,
        status: user.status,
        role_id: user.roleId,
        password_hash: user.passwordHash,
        invitation_key_hash: user.invitationKeyHash,
        invitation_expires_at: user.invitationExpiresAt,
        image_url: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    changes: Partial<
      Pick<
        UserRow,
        | 'first_name'
        | 'last_name'
        | 'role_id'
        | 'status'
        | 'password_hash'
        | 'invitation_key_hash'
        | 'invitation_expires_at'
      >
    >,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('users')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
