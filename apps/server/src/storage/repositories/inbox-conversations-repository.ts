import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import type {
  ChannelType,
  ConversationRow,
  ConversationStatus,
  MessageDirection,
} from '../schema-conversations.js';

/** Whose conversations: one agent's, or those no agent holds (a team's queue included). */
export type AssigneeFilter = { readonly userId: number } | 'unassigned';

export interface InboxFilter {
  readonly assignee?: AssigneeFilter | undefined;
  readonly teamId?: number | undefined;
  readonly labelId?: number | undefined;
  readonly channelId?: number | undefined;
  readonly unreadOnly?: boolean | undefined;
  /** Matched case-insensitively anywhere in the text of any of the conversation's messages. */
  readonly text?: string | undefined;
}

/** A place in the inbox order, (last_message_at desc, id desc): the keyset cursor. */
export interface InboxPosition {
  readonly lastMessageAt: number;
  readonly id: number;
}

/** A conversation as the inbox lists it, with its contact, channel and assignee joined. */
export interface InboxRow {
  readonly id: number;
  readonly public_id: string;
  readonly status: ConversationStatus;
  readonly title: string | null;
  readonly unread_count: number;
  readonly last_message_at: number;
  readonly assigned_to_bot: number;
  readonly variables: string;
  /** JSON array of label names, the cache kept with conversation_labels. */
  readonly label_names: string;
  readonly created_at: number;
  readonly closed_at: number | null;
  readonly contact_id: number;
  readonly contact_name: string | null;
  readonly contact_phone: string | null;
  readonly contact_email: string | null;
  readonly channel_id: number;
  readonly channel_type: ChannelType;
  readonly channel_name: string;
  readonly user_id: number | null;
  readonly user_email: string | null;
  readonly user_first_name: string | null;
  readonly user_last_name: string | null;
  readonly team_id: number | null;
  readonly team_name: string | null;
}

export interface LastMessage {
  readonly text: string;
  readonly direction: MessageDirection;
  readonly created_at: number;
}

/**
 * The inbox's reads over conversations of one account (every query is scoped by it). The
 * list walks `conversations_inbox_idx` (account_id, status, last_message_at, id) one status
 * at a time, so each page is an index range scan in order, never a sort of the account.
 */
export class InboxConversationsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  /** One status's conversations after `after`, newest activity first, at most `limit`. */
  page(
    status: ConversationStatus,
    filter: InboxFilter,
    after: InboxPosition | undefined,
    limit: number,
  ): Promise<InboxRow[]> {
    const accountId = this.accountId;
    let query = this.#select().where('conversations.status', '=', status);
    const { assignee, teamId, labelId, channelId, text } = filter;
    if (assignee === 'unassigned')
      query = query.where('conversations.assignee_user_id', 'is', null);
    else if (assignee !== undefined)
      query = query.where('conversations.assignee_user_id', '=', assignee.userId);
    if (teamId !== undefined) query = query.where('conversations.assignee_team_id', '=', teamId);
    if (channelId !== undefined) query = query.where('conversations.channel_id', '=', channelId);
    if (filter.unreadOnly === true) query = query.where('conversations.unread_count', '>', 0);
    if (labelId !== undefined) {
      // The (conversation_id, label_id) primary key answers this with one probe per row.
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('conversation_labels')
            .select('conversation_labels.label_id')
            .whereRef('conversation_labels.conversation_id', '=', 'conversations.id')
            .where('conversation_labels.label_id', '=', labelId),
        ),
      );
    }
    if (text !== undefined && text !== '') {
      // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not,
      // and each engine's lower() agrees with itself on the rest of Unicode.
      const pattern = `%${text.replace(/[!%_]/g, (character) => `!${character}`)}%`;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('messages')
            .select('messages.id')
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.account_id', '=', accountId)
            .where((inner) =>
              inner(
                inner.fn('lower', ['messages.text']),
                'like',
                sql<string>`lower(${pattern}) escape '!'`,
              ),
            ),
        ),
      );
    }
    if (after !== undefined) {
      // A row-value comparison, so PostgreSQL and SQLite both seek the index to the cursor.
      query = query.where((eb) =>
        eb(
          eb.refTuple('conversations.last_message_at', 'conversations.id'),
          '<',
          eb.tuple(after.lastMessageAt, after.id),
        ),
      );
    }
    return query
      .orderBy('conversations.last_message_at', 'desc')
      .orderBy('conversations.id', 'desc')
      .limit(limit)
      .execute();
  }

  findByPublicId(publicId: string): Promise<InboxRow | undefined> {
    return this.#select().where('conversations.public_id', '=', publicId).executeTakeFirst();
  }

  /**
   * The conversation row, locked until the transaction ends on PostgreSQL so concurrent
   * read-modify-write edits of it take turns (SQLite runs one writer at a time anyway).
   */
  findForUpdate(publicId: string, dialect: DialectName): Promise<ConversationRow | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('public_id', '=', publicId)
      .$if(dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
  }

  /** The newest message of each conversation (max id per conversation, from its index). */
  async lastMessages(conversationIds: readonly number[]): Promise<Map<number, LastMessage>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('messages')
      .select(['conversation_id', 'text', 'direction', 'created_at'])
      .where('account_id', '=', this.accountId)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('messages')
          .select((inner) => inner.fn.max<number>('id').as('id'))
          .where('account_id', '=', this.accountId)
          .where('conversation_id', 'in', conversationIds)
          .groupBy('conversation_id'),
      )
      .execute();
    return new Map(rows.map(({ conversation_id, ...message }) => [conversation_id, message]));
  }

  /** The internal id of one of the conversation's messages, by its public id. */
  async messageId(conversationId: number, publicId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .select('id')
      .where('account_id', '=', this.accountId)
      .where('conversation_id', '=', conversationId)
      .where('public_id', '=', publicId)
      .executeTakeFirst();
    return row?.id;
  }

  /** Sets the unread count to 0; false when the account has no such conversation. */
  async markRead(publicId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('conversations')
      .set({ unread_count: 0, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('public_id', '=', publicId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  #select() {
    return this.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .innerJoin('channels', 'channels.id', 'conversations.channel_id')
      .leftJoin('users', 'users.id', 'conversations.assignee_user_id')
      .leftJoin('teams', 'teams.id', 'conversations.assignee_team_id')
      .select([
        'conversations.id',
        'conversations.public_id',
        'conversations.status',
        'conversations.title',
        'conversations.unread_count',
        'conversations.last_message_at',
        'conversations.assigned_to_bot',
        'conversations.variables',
        'conversations.label_names',
        'conversations.created_at',
        'conversations.closed_at',
        'contacts.id as contact_id',
        'contacts.name as contact_name',
        'contacts.phone as contact_phone',
        'contacts.email as contact_email',
        'channels.id as channel_id',
        'channels.type as channel_type',
        'channels.name as channel_name',
        'users.id as user_id',
        'users.email as user_email',
        'users.first_name as user_first_name',
        'users.last_name as user_last_name',
        'teams.id as team_id',
        'teams.name as team_name',
      ])
      .where('conversations.account_id', '=', this.accountId);
  }
}
