import type { Db } from '../database.js';
import type { ApiTokenRow, TokenKind } from '../schema.js';

/** API tokens of one account. Every query is scoped by the account given at construction. */
export class TokensRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  insert(token: {
    kind: TokenKind;
    userId: number | null;
    name: string;
    tokenHash: string;
    tokenPrefix: string;
    scopes: readonly string[] | null;
    expiresAt: number | null;
  }): Promise<ApiTokenRow> {
    return this.db
      .insertInto('api_tokens')
      .values({
        account_id: this.accountId,
        kind: token.kind,
        user_id: token.userId,
        name: token.name,
        token_hash: token.tokenHash,
        token_prefix: token.tokenPrefix,
        scopes: token.scopes === null ? null : JSON.stringify(token.scopes),
        expires_at: token.expiresAt,
        revoked_at: null,
        last_used_at: null,
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  list(): Promise<ApiTokenRow[]> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('id')
      .execute();
  }

  async revoke(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

/**
 * The one lookup that is not scoped by account: authentication, which learns the account
 * from the token itself. It returns the row only; callers scope everything after it.
 */
export function findTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}
