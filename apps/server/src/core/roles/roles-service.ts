import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { RolesRepository } from '../../storage/repositories/roles-repository.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { RoleRow, UserRow } from '../../storage/schema.js';
import type { Db } from '../../storage/database.js';
import { builtInRoles } from './built-in-roles.js';
import { parseStoredConfiguration, type RoleConfiguration } from './role-configuration.js';

export interface RoleWithUsers {
  readonly role: RoleRow;
  readonly configuration: RoleConfiguration;
  readonly users: readonly UserRow[];
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export class RolesService {
  constructor(private readonly context: ServiceContext) {}

  /** Roles with the users holding each, one page at a time. */
  async list(accountId: number, page: Page): Promise<{ roles: RoleWithUsers[]; total: number }> {
    const roles = new RolesRepository(this.context.db, accountId);
    const [rows, total] = await Promise.all([roles.list(page), roles.count()]);
    const users = await new UsersRepository(this.context.db, accountId).listByRoles(
      rows.map((row) => row.id),
    );
    return {
      total,
      roles: rows.map((role) => ({
        role,
        configuration: parseStoredConfiguration(role.configuration),
        users: users.filter((user) => user.role_id === role.id),
      })),
    };
  }

  async get(accountId: number, roleId: number): Promise<RoleRow> {
    const role = await new RolesRepository(this.context.db, accountId).findById(roleId);
    if (role === undefined) throw new DomainError('ROLE_NOT_FOUND');
    return role;
  }
}

/** Gives a new account the built-in roles; returns them by name. */
export async function seedBuiltInRoles(db: Db, accountId: number): Promise<Map<string, RoleRow>> {
  const roles = new RolesRepository(db, accountId);
  const created = new Map<string, RoleRow>();
  for (const builtIn of builtInRoles) {
    const row = await roles.insert({
      name: builtIn.name,
      description: builtIn.description,
      masterRoleId: builtIn.masterRoleId,
      builtIn: true,
      configuration: JSON.stringify(builtIn.configuration),
    });
    created.set(builtIn.name, row);
  }
  return created;
}
