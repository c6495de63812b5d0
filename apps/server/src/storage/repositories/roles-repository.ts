import type { Db } from '../database.js';
import type { RoleRow } from '../schema.js';

/** Roles of one account. Every query is scoped by the account given at construction. */
export class RolesRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  list(page: { limit: number; offset: number }): Promise<RoleRow[]> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('roles')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('account_id', '=', this.accountId)
      .executeTakeFirstOrThrow();
    return row.count;
  }

  findById(id: number): Promise<RoleRow | undefined> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByMasterRole(masterRoleId: number): Promise<RoleRow | undefined> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('master_role_id', '=', masterRoleId)
      .where('built_in', '=', 1)
      .executeTakeFirst();
  }

  async insert(role: {
    name: string;
    description: string;
    masterRoleId: number | null;
    builtIn: boolean;
    configuration: string;
  }): Promise<RoleRow> {
    const now = Date.now();
    return this.db
      .insertInto('roles')
      .values({
        account_id: this.accountId,
        name: role.name,
        description: role.description,
        master_role_id: role.masterRoleId,
        built_in: role.builtIn ? 1 : 0,
        configuration: role.configuration,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findByName(name: string): Promise<RoleRow | undefined> {
    return this.db
      .selectFrom('roles')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async update(
    id: number,
    changes: { name?: string; description?: string; configuration?: string },
  ): Promise<void> {
    await this.db
      .updateTable('roles')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db
      .deleteFrom('roles')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }

  async countUsers(id: number): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('account_id', '=', this.accountId)
      .where('role_id', '=', id)
      .executeTakeFirstOrThrow();
    return row.count;
  }
}
