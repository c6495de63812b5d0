import type { ServiceContext } from '../context.js';
import { ExpiringLookup } from '../cache/expiring-lookup.js';
import { DomainError } from '../errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { fullAccess, parseStoredConfiguration } from '../roles/role-configuration.js';
import { displayPrefix, generateSecret, sha256Hex } from '../../security/tokens.js';
import { findTokenByHash, TokensRepository } from '../../storage/repositories/tokens-repository.js';
import { RolesRepository } from '../../storage/repositories/roles-repository.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { ApiTokenRow, TokenKind } from '../../storage/schema.js';
import type { Db } from '../../storage/database.js';

export const TOKEN_PREFIX = 'pk_';
/** last_used_at is refreshed at most this often, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewToken {
  readonly kind: TokenKind;
  readonly name: string;
  readonly userId?: number | null;
  readonly scopes?: readonly string[] | null;
  readonly expiresAt?: number | null;
  /** Use this secret instead of a random one (bootstrap from PARLEY_BOOTSTRAP_TOKEN). */
  readonly secret?: string;
}

export interface IssuedToken {
  readonly row: ApiTokenRow;
  /** Shown once; only its hash is stored. */
  readonly secret: string;
}

export async function issueToken(db: Db, accountId: number, token: NewToken): Promise<IssuedToken> {
  const secret = token.secret ?? generateSecret(TOKEN_PREFIX);
  const row = await new TokensRepository(db, accountId).insert({
    kind: token.kind,
    userId: token.userId ?? null,
    name: token.name,
    tokenHash: sha256Hex(secret),
    tokenPrefix: displayPrefix(secret),
    scopes: token.scopes ?? null,
    expiresAt: token.expiresAt ?? null,
  });
  return { row, secret };
}

export class TokensService {
  /**
   * Account tokens' principals by token hash: every API call of an integration resolves one.
   * Only account tokens are kept (full access, no user or role behind them to change); a
   * revocation forgets them all at once, here and (through the bus) in the other processes.
   */
  readonly #accountPrincipals = new ExpiringLookup<string, Principal | undefined>();

  constructor(private readonly context: ServiceContext) {
    context.bus.subscribe('token.revoked', () => {
      this.#accountPrincipals.clear();
    });
  }

  async create(accountId: number, token: NewToken): Promise<IssuedToken> {
    if (token.kind === 'account' && token.userId != null) {
      throw new DomainError('BAD_REQUEST', {
        message: 'Account tokens act for the account, not a user: leave out user_id.',
      });
    }
    if (token.kind !== 'account') {
      const user =
        token.userId == null
          ? undefined
          : await new UsersRepository(this.context.db, accountId).findById(token.userId);
      if (user === undefined) throw new DomainError('USER_NOT_FOUND');
      if (token.kind === 'app' && user.kind !== 'app') {
        throw new DomainError('BAD_REQUEST', { message: 'App tokens belong to app users.' });
      }
    }
    return issueToken(this.context.db, accountId, token);
  }

  list(accountId: number): Promise<ApiTokenRow[]> {
    return new TokensRepository(this.context.db, accountId).list();
  }

  async revoke(accountId: number, tokenId: number): Promise<void> {
    const revoked = await new TokensRepository(this.context.db, accountId).revoke(tokenId);
    if (!revoked) throw new DomainError('TOKEN_NOT_FOUND');
    // Here at once (a Redis bus delivers a moment later, even to this process), and elsewhere.
    this.#accountPrincipals.clear();
    await this.context.bus.publish('token.revoked', accountId, { tokenId });
  }

  /**
   * Resolves a bearer secret to a principal, or undefined when it is unknown, revoked,
   * expired, or its user is no longer active. Never says which, to avoid an oracle.
   */
  authenticate(secret: string): Promise<Principal | undefined> {
    const tokenHash = sha256Hex(secret);
    return this.#accountPrincipals.get(
      tokenHash,
      () => this.#resolve(tokenHash),
      // A kept principal may outlive its token's expiry by the lookup's TTL (a second).
      (principal) => principal?.kind === 'account_token',
    );
  }

  async #resolve(tokenHash: string): Promise<Principal | undefined> {
    const { db } = this.context;
    const token = await findTokenByHash(db, tokenHash);
    const now = Date.now();
    if (token?.revoked_at !== null) return undefined;
    if (token.expires_at !== null && token.expires_at <= now) return undefined;
    const scopes = token.scopes === null ? null : parseScopes(token.scopes);
    if (token.last_used_at === null || now - token.last_used_at > LAST_USED_RESOLUTION_MS) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', token.id)
        .execute();
    }
    if (token.kind === 'account') {
      return {
        kind: 'account_token',
        accountId: token.account_id,
        userId: null,
        tokenId: token.id,
        configuration: fullAccess,
        scopes,
      };
    }
    if (token.user_id === null) return undefined;
    const user = await new UsersRepository(db, token.account_id).findById(token.user_id);
    if (user?.status !== 'active') return undefined;
    const role = await new RolesRepository(db, token.account_id).findById(user.role_id);
    if (role === undefined) return undefined;
    return {
      kind: token.kind === 'app' ? 'app_token' : 'user_token',
      accountId: token.account_id,
      userId: user.id,
      tokenId: token.id,
      configuration: parseStoredConfiguration(role.configuration),
      scopes,
    };
  }
}

function parseScopes(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value)
    ? value.filter((scope): scope is string => typeof scope === 'string')
    : [];
}
