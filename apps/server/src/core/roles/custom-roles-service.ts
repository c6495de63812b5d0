import { againIfRaced } from '../../storage/unique-violation.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { RolesRepository } from '../../storage/repositories/roles-repository.js';
import type { RoleRow } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';
import { lockAdminCount, teammateManagerRoleIds } from '../users/users-service.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { RoleConfiguration } from './role-configuration.js';

export interface RoleInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly configuration: RoleConfiguration;
}

/**
 * Roles an account defines beside the four built-in ones. Built-in roles are fixed (every
 * account can rely on what "admin" means); a role still given to users cannot be deleted.
 */
export class CustomRolesService {
  constructor(private readonly context: ServiceContext) {}

  async create(accountId: number, input: RoleInput): Promise<RoleRow> {
    // Two creations of one name at once: the second sees the first's role.
    return againIfRaced(() =>
      inTransaction(this.context.db, async (unit) => {
        const roles = new RolesRepository(unit.db, accountId);
        if ((await roles.findByName(input.name)) !== undefined)
          throw new DomainError('ROLE_ALREADY_EXISTS');
        return roles.insert({
          name: input.name,
          description: input.description ?? '',
          masterRoleId: null,
          builtIn: false,
          configuration: JSON.stringify(input.configuration),
        });
      }),
    );
  }

  async update(accountId: number, roleId: number, input: Partial<RoleInput>): Promise<RoleRow> {
    return againIfRaced(() =>
      inTransaction(this.context.db, async (unit) => {
        const roles = new RolesRepository(unit.db, accountId);
        const role = await this.#editable(roles, roleId);
        const wasManager = (await teammateManagerRoleIds(roles)).includes(roleId);
        if (
          input.name !== undefined &&
          input.name !== role.name &&
          (await roles.findByName(input.name)) !== undefined
        ) {
          throw new DomainError('ROLE_ALREADY_EXISTS');
        }
        await roles.update(roleId, {
          name: input.name,
          description: input.description,
          configuration:
            input.configuration === undefined ? undefined : JSON.stringify(input.configuration),
        });
        // Taking the teammates switch from the role of the last admin would lock the account out.
        await lockAdminCount(unit, this.context.dialect, accountId);
        const managers = await teammateManagerRoleIds(roles);
        const users = new UsersRepository(unit.db, accountId);
        if (wasManager && (await users.countActiveWithRoles(managers)) === 0) {
          throw new DomainError('LAST_ADMIN');
        }
        const updated = await roles.findById(roleId);
        if (updated === undefined) throw new DomainError('ROLE_NOT_FOUND');
        return updated;
      }),
    );
  }

  async remove(accountId: number, roleId: number): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const roles = new RolesRepository(unit.db, accountId);
      await this.#editable(roles, roleId);
      if ((await roles.countUsers(roleId)) > 0) throw new DomainError('ROLE_IN_USE');
      await roles.delete(roleId);
    });
  }

  async #editable(roles: RolesRepository, roleId: number): Promise<RoleRow> {
    const role = await roles.findById(roleId);
    if (role === undefined) throw new DomainError('ROLE_NOT_FOUND');
    if (role.built_in === 1) throw new DomainError('ROLE_IS_BUILT_IN');
    return role;
  }
}
