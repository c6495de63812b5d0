import type { Db } from '../database.js';
import type { SavedReplyRow } from '../schema-conversations.js';

/** Canned answers of one account, by short code. Every query is account-scoped. */
export class InboxSavedRepliesRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  list(): Promise<SavedReplyRow[]> {
    return this.db
      .selectFrom('saved_replies')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('short_code')
      .execute();
  }

  findById(id: number): Promise<SavedReplyRow | undefined> {
    return this.db
      .selectFrom('saved_replies')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Creates a reply; undefined when the short code is taken in the account. */
  insert(reply: { shortCode: string; content: string }): Promise<SavedReplyRow | undefined> {
    const now = Date.now();
    return this.db
      .insertInto('saved_replies')
      .values({
        account_id: this.accountId,
        short_code: reply.shortCode,
        content: reply.content,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.columns(['account_id', 'short_code']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Changes a reply; throws the driver's unique violation when the new short code is taken. */
  update(
    id: number,
    changes: { shortCode?: string | undefined; content?: string | undefined },
  ): Promise<SavedReplyRow | undefined> {
    return this.db
      .updateTable('saved_replies')
      .set({
        ...(changes.shortCode === undefined ? {} : { short_code: changes.shortCode }),
        ...(changes.content === undefined ? {} : { content: changes.content }),
        updated_at: Date.now(),
      })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async remove(id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('saved_replies')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
