import type { Db } from '../../storage/database.js';
import type { AccountRow, UserRow } from '../../storage/schema.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import { generatePassword, hashPassword } from '../../security/passwords.js';
import { seedBuiltInRoles } from '../roles/roles-service.js';
import { issueToken } from '../tokens/tokens-service.js';

export interface NewAccount {
  readonly name: string;
  readonly adminEmail: string;
  /** Generated when absent. */
  readonly adminPassword?: string | undefined;
  /** Generated when absent. */
  readonly accountToken?: string | undefined;
}

export interface CreatedAccount {
  readonly account: AccountRow;
  readonly admin: UserRow;
  readonly adminPassword: string;
  readonly accountToken: string;
}

/**
 * Creates an account with its built-in roles, an active admin and an account API token,
 * all in the caller's transaction (pass a transaction's `db`).
 */
export async function createAccount(db: Db, input: NewAccount): Promise<CreatedAccount> {
  const now = Date.now();
  const account = await db
    .insertInto('accounts')
    .values({ name: input.name, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  const roles = await seedBuiltInRoles(db, account.id);
  const adminRole = roles.get('admin');
  if (adminRole === undefined) throw new Error('built-in roles lack admin');
  const adminPassword = input.adminPassword ?? generatePassword();
  const admin = await new UsersRepository(db, account.id).insert({
    email: input.adminEmail.trim().toLowerCase(),
    firstName: 'Admin',
    lastName: null,
    kind: 'human',
    status: 'active',
    roleId: adminRole.id,
    passwordHash: await hashPassword(adminPassword),
    invitationKeyHash: null,
    invitationExpiresAt: null,
  });
  const token = await issueToken(db, account.id, {
    kind: 'account',
    name: 'Account token',
    secret: input.accountToken,
  });
  return { account, admin, adminPassword, accountToken: token.secret };
}
