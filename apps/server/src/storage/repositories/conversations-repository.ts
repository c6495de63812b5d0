import type { Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { ConversationRow, ConversationsTable } from '../schema-conversations.js';

/** Conversations of one account. Every query is scoped by the account given at construction. */
export class ConversationsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  findById(id: number): Promise<ConversationRow | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findByPublicId(publicId: string): Promise<ConversationRow | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('public_id', '=', publicId)
      .executeTakeFirst();
  }

  /**
   * The contact's latest conversation on a channel (open, pending or closed). With `lock`
   * (PostgreSQL) the row stays locked until commit, so two inbound messages of one
   * conversation are stored, counted and answered one after the other.
   */
  findLatest(
    contactId: number,
    channelId: number,
    lock = false,
  ): Promise<ConversationRow | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('contact_id', '=', contactId)
      .where('channel_id', '=', channelId)
      .orderBy('id', 'desc')
      .$if(lock, (query) => query.forNoKeyUpdate())
      .executeTakeFirst();
  }

  insert(conversation: {
    publicId: string;
    contactId: number;
    channelId: number;
    status: ConversationRow['status'];
    assigneeUserId: number | null;
    assigneeTeamId: number | null;
    assignedToBot: boolean;
    title: string | null;
    now: number;
  }): Promise<ConversationRow> {
    return this.db
      .insertInto('conversations')
      .values({
        account_id: this.accountId,
        public_id: conversation.publicId,
        contact_id: conversation.contactId,
        channel_id: conversation.channelId,
        status: conversation.status,
        assignee_user_id: conversation.assigneeUserId,
        assignee_team_id: conversation.assigneeTeamId,
        assigned_to_bot: conversation.assignedToBot ? 1 : 0,
        title: conversation.title,
        variables: '{}',
        unread_count: 0,
        last_message_at: conversation.now,
        created_at: conversation.now,
        updated_at: conversation.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    changes: Omit<Updateable<ConversationsTable>, 'id' | 'account_id'>,
  ): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }

  /** Open conversations held by each of the given agents. */
  async openCountsByAssignee(userIds: readonly number[]): Promise<Map<number, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('conversations')
      .select((eb) => ['assignee_user_id', eb.fn.countAll<number>().as('count')])
      .where('account_id', '=', this.accountId)
      .where('status', '!=', 'closed')
      .where('assignee_user_id', 'in', userIds)
      .groupBy('assignee_user_id')
      .execute();
    return new Map(
      rows.flatMap((row) =>
        row.assignee_user_id === null ? [] : [[row.assignee_user_id, row.count]],
      ),
    );
  }
}
