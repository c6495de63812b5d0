import type { Db } from '../../storage/database.js';
import { unlessTaken } from '../../storage/unique-violation.js';
import { InboxSavedRepliesRepository } from '../../storage/repositories/inbox-saved-replies-repository.js';
import type { SavedReplyRow } from '../../storage/schema-conversations.js';
import { inboxError, notFound } from './inbox-errors.js';

export interface SavedReplyInput {
  readonly shortCode?: string | undefined;
  readonly content?: string | undefined;
}

/** Saved replies ("canned responses"): text an agent inserts by its short code. */
export class InboxSavedReplies {
  constructor(private readonly db: Db) {}

  list(accountId: number): Promise<SavedReplyRow[]> {
    return new InboxSavedRepliesRepository(this.db, accountId).list();
  }

  async create(
    accountId: number,
    reply: { shortCode: string; content: string },
  ): Promise<SavedReplyRow> {
    const created = await new InboxSavedRepliesRepository(this.db, accountId).insert(reply);
    if (created === undefined) throw inboxError('SAVED_REPLY_ALREADY_EXISTS');
    return created;
  }

  async update(accountId: number, id: number, changes: SavedReplyInput): Promise<SavedReplyRow> {
    // One statement, so the unique constraint alone decides a race for a short code.
    const updated = await unlessTaken(
      () => new InboxSavedRepliesRepository(this.db, accountId).update(id, changes),
      () => inboxError('SAVED_REPLY_ALREADY_EXISTS'),
    );
    if (updated === undefined) throw notFound('Saved reply');
    return updated;
  }

  async remove(accountId: number, id: number): Promise<void> {
    if (!(await new InboxSavedRepliesRepository(this.db, accountId).remove(id)))
      throw notFound('Saved reply');
  }
}
