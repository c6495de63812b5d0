import type { Db } from '../database.js';
import type { NoteRow } from '../schema-conversations.js';

/** Private notes agents leave on conversations of one account. Every query is account-scoped. */
export class InboxNotesRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  /** A page of a conversation's notes, newest first, before a note id (keyset on id). */
  page(conversationId: number, beforeId: number | undefined, limit: number): Promise<NoteRow[]> {
    return this.db
      .selectFrom('notes')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('conversation_id', '=', conversationId)
      .$if(beforeId !== undefined, (query) => query.where('id', '<', beforeId ?? 0))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  insert(note: { conversationId: number; userId: number | null; body: string }): Promise<NoteRow> {
    return this.db
      .insertInto('notes')
      .values({
        account_id: this.accountId,
        conversation_id: note.conversationId,
        user_id: note.userId,
        body: note.body,
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
