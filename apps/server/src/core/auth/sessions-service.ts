import { SignJWT, jwtVerify } from 'jose';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { parseStoredConfiguration } from '../roles/role-configuration.js';
import { verifyPassword } from '../../security/passwords.js';
import { generateSecret, sha256Hex } from '../../security/tokens.js';
import { RolesRepository } from '../../storage/repositories/roles-repository.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { Principal } from './principal.js';

const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1_000;
const ISSUER = 'parley';

export interface SessionTokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly userId: number;
  readonly accountId: number;
}

/**
 * Web-app sign-in: a short-lived JWT (HS256, key derived from the master secret) for API
 * calls, and an opaque refresh token (stored hashed) that is rotated on every use.
 */
export class SessionsService {
  constructor(private readonly context: ServiceContext) {}

  async login(email: string, password: string, accountId?: number): Promise<SessionTokens> {
    const candidates = await this.context.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .where('status', '=', 'active')
      .$if(accountId !== undefined, (query) => query.where('account_id', '=', accountId ?? 0))
      .execute();
    if (candidates.length > 1) {
      throw new DomainError('BAD_REQUEST', {
        message: 'This e-mail belongs to several accounts: give account_id.',
      });
    }
    const user = candidates[0];
    // Verify against a dummy hash when the user is unknown so timing does not reveal it.
    const valid = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (user === undefined || !valid) throw new DomainError('INVALID_CREDENTIALS');
    return this.#issue(user.account_id, user.id);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const { db } = this.context;
    const session = await db
      .selectFrom('sessions')
      .selectAll()
      .where('refresh_hash', '=', sha256Hex(refreshToken))
      .executeTakeFirst();
    if (session?.revoked_at !== null || session.expires_at <= Date.now()) {
      throw new DomainError('SESSION_EXPIRED');
    }
    const revoked = await db
      .updateTable('sessions')
      .set({ revoked_at: Date.now() })
      .where('id', '=', session.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    // Two refreshes racing with one token: only the first wins.
    if (revoked.numUpdatedRows === 0n) throw new DomainError('SESSION_EXPIRED');
    return this.#issue(session.account_id, session.user_id);
  }

  /** Resolves an access token to a principal, or undefined if invalid, expired or stale. */
  async authenticate(accessToken: string): Promise<Principal | undefined> {
    let subject: string | undefined;
    let account: unknown;
    try {
      const { payload } = await jwtVerify(accessToken, this.context.sessionKey, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      });
      subject = payload.sub;
      account = payload.acc;
    } catch {
      return undefined;
    }
    if (subject === undefined || typeof account !== 'number') return undefined;
    const user = await new UsersRepository(this.context.db, account).findById(Number(subject));
    if (user?.status !== 'active') return undefined;
    const role = await new RolesRepository(this.context.db, account).findById(user.role_id);
    if (role === undefined) return undefined;
    return {
      kind: 'session',
      accountId: account,
      userId: user.id,
      tokenId: null,
      configuration: parseStoredConfiguration(role.configuration),
      scopes: null,
    };
  }

  async #issue(accountId: number, userId: number): Promise<SessionTokens> {
    const ttl = this.context.config.sessionTtlSeconds;
    const accessToken = await new SignJWT({ acc: accountId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(this.context.sessionKey);
    const refreshToken = generateSecret('rt_');
    await this.context.db
      .insertInto('sessions')
      .values({
        account_id: accountId,
        user_id: userId,
        refresh_hash: sha256Hex(refreshToken),
        expires_at: Date.now() + REFRESH_TTL_MS,
        revoked_at: null,
        created_at: Date.now(),
      })
      .execute();
    return { accessToken, expiresIn: ttl, refreshToken, userId, accountId };
  }
}

/** A valid scrypt hash of a random password, for constant-time failure on unknown users. */
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
