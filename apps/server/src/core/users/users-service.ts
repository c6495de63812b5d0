import { lockUntilCommit } from '../../storage/advisory-lock.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { againIfRaced } from '../../storage/unique-violation.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { isGranted, parseStoredConfiguration } from '../roles/role-configuration.js';
import { generateSecret, sha256Hex } from '../../security/tokens.js';
import { hashPassword } from '../../security/passwords.js';
import { RolesRepository } from '../../storage/repositories/roles-repository.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { UserRow } from '../../storage/schema.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import { invitationEmail } from './invitation-email.js';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1_000;

export interface Invitation {
  readonly email: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly roleId: number;
  readonly notify: boolean;
}

export interface InvitationResult {
  readonly user: UserRow;
  readonly invitationLink: string;
  /** Whether an e-mail was queued (needs notify and SMTP configured). */
  readonly emailQueued: boolean;
}

export class UsersService {
  constructor(private readonly context: ServiceContext) {}

  list(accountId: number, page: { limit: number; offset: number }): Promise<UserRow[]> {
    return new UsersRepository(this.context.db, accountId).list(page);
  }

  async get(accountId: number, userId: number): Promise<UserRow> {
    const user = await new UsersRepository(this.context.db, accountId).findById(userId);
    if (user === undefined) throw new DomainError('USER_NOT_FOUND');
    return user;
  }

  /**
   * Invites a person: an `invited` user with a one-time key, and the link that lets them
   * set a password. Inviting an e-mail that is still only invited issues a fresh link
   * (the old one stops working); an active member is a conflict. The invitation e-mail is
   * a job committed with the user, so it is sent exactly when the invitation exists.
   */
  async invite(accountId: number, invitation: Invitation): Promise<InvitationResult> {
    const { config } = this.context;
    const email = invitation.email.trim().toLowerCase();
    const key = generateSecret('inv_');
    const link = `${config.publicUrl}/create-your-account?invitation_key=${encodeURIComponent(key)}`;
    const sendEmail = invitation.notify && config.smtp.url !== undefined;
    // Two invitations of one new e-mail at once: the second sees the first's user.
    const user = await againIfRaced(() =>
      inTransaction(this.context.db, async (unit) => {
        const users = new UsersRepository(unit.db, accountId);
        const role = await new RolesRepository(unit.db, accountId).findById(invitation.roleId);
        if (role === undefined) throw new DomainError('ROLE_NOT_FOUND');
        const existing = await users.findByEmail(email);
        if (existing !== undefined && existing.status !== 'invited')
          throw new DomainError('USER_ALREADY_EXISTS');
        const fields = {
          first_name: invitation.firstName ?? existing?.first_name ?? null,
          last_name: invitation.lastName ?? existing?.last_name ?? null,
          role_id: role.id,
          invitation_key_hash: sha256Hex(key),
          invitation_expires_at: Date.now() + INVITATION_TTL_MS,
        };
        let row: UserRow;
        if (existing === undefined) {
          row = await users.insert({
            email,
            firstName: fields.first_name,
            lastName: fields.last_name,
            kind: 'human',
            status: 'invited',
            roleId: role.id,
            passwordHash: null,
            invitationKeyHash: fields.invitation_key_hash,
            invitationExpiresAt: fields.invitation_expires_at,
          });
        } else {
          await users.update(existing.id, fields);
          row = { ...existing, ...fields };
        }
        if (sendEmail) {
          await this.context.queue.enqueue(
            'mail.send',
            invitationEmail(email, link, config.publicUrl),
            { accountId, idempotencyKey: `invite:${sha256Hex(key)}` },
            unit,
          );
        }
        this.#publishAfterCommit(unit, () =>
          this.context.bus.publish('user.invited', accountId, {
            userId: row.id,
            email,
            roleId: role.id,
          }),
        );
        return row;
      }),
    );
    return { user, invitationLink: link, emailQueued: sendEmail };
  }

  async updateRole(accountId: number, userId: number, roleId: number): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const users = new UsersRepository(unit.db, accountId);
      const user = await users.findById(userId);
      if (user === undefined) throw new DomainError('USER_NOT_FOUND');
      const role = await new RolesRepository(unit.db, accountId).findById(roleId);
      if (role === undefined) throw new DomainError('ROLE_NOT_FOUND');
      await users.update(userId, { role_id: roleId });
      await this.#assertAnAdminRemains(unit, accountId, user);
      this.#publishAfterCommit(unit, () =>
        this.context.bus.publish('user.role_changed', accountId, { userId, roleId }),
      );
    });
  }

  async remove(accountId: number, userId: number): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const users = new UsersRepository(unit.db, accountId);
      const user = await users.findById(userId);
      if (user === undefined) throw new DomainError('USER_NOT_FOUND');
      await users.delete(userId);
      await this.#assertAnAdminRemains(unit, accountId, user);
      this.#publishAfterCommit(unit, () =>
        this.context.bus.publish('user.removed', accountId, { userId }),
      );
    });
  }

  /**
   * Whether an agent takes conversations now (round robin skips anyone not online) and how
   * many open ones they may hold at once (0: no limit).
   */
  async setAvailability(
    accountId: number,
    userId: number,
    availability: { status?: 'online' | 'offline' | 'busy'; maxOpenConversations?: number },
  ): Promise<UserRow> {
    await this.get(accountId, userId);
    await this.context.db
      .updateTable('users')
      .set({
        ...(availability.status === undefined ? {} : { availability: availability.status }),
        ...(availability.maxOpenConversations === undefined
          ? {}
          : { max_open_conversations: availability.maxOpenConversations }),
        updated_at: Date.now(),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .execute();
    return this.get(accountId, userId);
  }

  /**
   * An app user: the identity an integration or bot acts as. It has a role like a person
   * but no password and no invitation; it authenticates only with app tokens.
   */
  async createAppUser(accountId: number, app: { name: string; roleId: number }): Promise<UserRow> {
    return inTransaction(this.context.db, async (unit) => {
      const role = await new RolesRepository(unit.db, accountId).findById(app.roleId);
      if (role === undefined) throw new DomainError('ROLE_NOT_FOUND');
      const users = new UsersRepository(unit.db, accountId);
      // App users need a unique e-mail in the account; a reserved, undeliverable one.
      const email = `app-${generateSecret('').slice(0, 12).toLowerCase()}@apps.parley.invalid`;
      return users.insert({
        email,
        firstName: app.name,
        lastName: null,
        kind: 'app',
        status: 'active',
        roleId: role.id,
        passwordHash: null,
        invitationKeyHash: null,
        invitationExpiresAt: null,
      });
    });
  }

  /** Redeems an invitation link: sets the password and activates the user. */
  async acceptInvitation(
    key: string,
    password: string,
    names: { firstName?: string; lastName?: string } = {},
  ): Promise<UserRow> {
    const { db } = this.context;
    const invited = await db
      .selectFrom('users')
      .selectAll()
      .where('invitation_key_hash', '=', sha256Hex(key))
      .executeTakeFirst();
    if (invited?.status !== 'invited' || (invited.invitation_expires_at ?? 0) < Date.now()) {
      throw new DomainError('INVITATION_NOT_FOUND');
    }
    const changes = {
      status: 'active' as const,
      password_hash: await hashPassword(password),
      invitation_key_hash: null,
      invitation_expires_at: null,
      first_name: names.firstName ?? invited.first_name,
      last_name: names.lastName ?? invited.last_name,
    };
    await new UsersRepository(db, invited.account_id).update(invited.id, changes);
    await this.context.bus.publish('user.activated', invited.account_id, { userId: invited.id });
    return { ...invited, ...changes };
  }

  /**
   * Called inside the transaction after `changed` lost its role or was removed: if they
   * were an active user able to manage teammates and no such user is left, the change
   * is refused (and rolled back), so nobody locks the account out of its own settings.
   */
  async #assertAnAdminRemains(
    unit: UnitOfWork,
    accountId: number,
    changed: UserRow,
  ): Promise<void> {
    if (changed.status !== 'active') return;
    await lockAdminCount(unit, this.context.dialect, accountId);
    const managerRoles = await teammateManagerRoleIds(new RolesRepository(unit.db, accountId));
    if (!managerRoles.includes(changed.role_id)) return;
    const remaining = await new UsersRepository(unit.db, accountId).countActiveWithRoles(
      managerRoles,
    );
    if (remaining === 0) throw new DomainError('LAST_ADMIN');
  }

  #publishAfterCommit(unit: UnitOfWork, publish: () => Promise<void>): void {
    unit.afterCommit(() => {
      publish().catch((error: unknown) => {
        this.context.logger.error({ err: error }, 'could not publish event');
      });
    });
  }
}

/** Ids of the account's roles that may manage teammates. */
export async function teammateManagerRoleIds(roles: RolesRepository): Promise<number[]> {
  const all = await roles.list({ limit: 1_000, offset: 0 });
  return all
    .filter((role) =>
      isGranted(parseStoredConfiguration(role.configuration), 'account_settings.teammates'),
    )
    .map((role) => role.id);
}

/**
 * Taken by every change that may leave the account without an admin, before it counts the
 * admins left: two admins demoted at once would each still count the other.
 */
export function lockAdminCount(
  unit: UnitOfWork,
  dialect: DialectName,
  accountId: number,
): Promise<void> {
  return lockUntilCommit(unit.db, dialect, ['admins', accountId]);
}
