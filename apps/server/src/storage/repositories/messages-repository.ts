import type { Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { MessageRow, MessagesTable } from '../schema-conversations.js';

/** Messages of one account. Every query is scoped by the account given at construction. */
export class MessagesRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  findById(id: number): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByProviderId(channelId: number, providerMessageId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('channel_id', '=', channelId)
      .where('provider_message_id', '=', providerMessageId)
      .executeTakeFirst();
  }

  insert(message: Omit<MessageRow, 'id' | 'account_id'>): Promise<MessageRow> {
    return this.db
      .insertInto('messages')
      .values({ ...message, account_id: this.accountId })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Inserts, unless the channel already has a message with this provider id (then undefined). */
  insertUnlessKnown(
    message: Omit<MessageRow, 'id' | 'account_id'>,
  ): Promise<MessageRow | undefined> {
    return this.db
      .insertInto('messages')
      .values({ ...message, account_id: this.accountId })
      .onConflict((conflict) => conflict.columns(['channel_id', 'provider_message_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async update(
    id: number,
    changes: Omit<Updateable<MessagesTable>, 'id' | 'account_id'>,
  ): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }

  /** A page of a conversation's messages, newest first, before a message id (keyset). */
  page(conversationId: number, beforeId: number | undefined, limit: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('conversation_id', '=', conversationId)
      .$if(beforeId !== undefined, (query) => query.where('id', '<', beforeId ?? 0))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
