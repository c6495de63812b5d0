import type { ServiceContext } from '../context.js';
import { conversationSnapshot } from '../conversations/snapshots.js';
import { DomainError } from '../errors/domain-error.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import { InboxNotesRepository } from '../../storage/repositories/inbox-notes-repository.js';
import type { NoteRow } from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';

export interface NotePage {
  readonly notes: readonly NoteRow[];
  /** Id of the oldest note returned, when older ones exist. */
  readonly nextBefore: number | null;
}

/** Private notes on conversations: seen by the team, never sent to the contact. */
export class InboxNotes {
  constructor(private readonly context: ServiceContext) {}

  async list(
    accountId: number,
    publicId: string,
    beforeId: number | undefined,
    limit: number,
  ): Promise<NotePage> {
    const conversation = await new ConversationsRepository(
      this.context.db,
      accountId,
    ).findByPublicId(publicId);
    if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    const rows = await new InboxNotesRepository(this.context.db, accountId).page(
      conversation.id,
      beforeId,
      limit + 1,
    );
    const notes = rows.slice(0, limit);
    return { notes, nextBefore: rows.length > limit ? (notes.at(-1)?.id ?? null) : null };
  }

  /** Adds a note and records `note.created` in the same transaction (webhooks, realtime). */
  async add(
    accountId: number,
    publicId: string,
    note: { body: string; userId: number | null },
  ): Promise<NoteRow> {
    return inTransaction(this.context.db, async (unit) => {
      const conversation = await new ConversationsRepository(unit.db, accountId).findByPublicId(
        publicId,
      );
      if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
      const row = await new InboxNotesRepository(unit.db, accountId).insert({
        conversationId: conversation.id,
        userId: note.userId,
        body: note.body,
      });
      await this.context.events.record(unit, accountId, conversation.id, 'note.created', {
        conversation: await conversationSnapshot(unit.db, this.context.caches, conversation),
        note: { id: row.id, body: row.body, userId: row.user_id, createdAt: row.created_at },
      });
      return row;
    });
  }
}
