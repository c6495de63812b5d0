import type { Updateable } from 'kysely';
import { lockUntilCommit } from '../advisory-lock.js';
import type { Db } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import type { ConversationRow, ConversationsTable } from '../schema-conversations.js';

// Every inbound message finds its conversation and touches it: prepared.
interface LatestParams {
  accountId: number;
  contactId: number;
  channelId: number;
}
const latest = (lock: boolean) =>
  new PreparedQuery<LatestParams, ConversationRow>((db, param) =>
    db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', param('accountId'))
      .where('contact_id', '=', param('contactId'))
      .where('channel_id', '=', param('channelId'))
      .orderBy('id', 'desc')
      .limit(1)
      .$if(lock, (query) => query.forNoKeyUpdate()),
  );
const latestUnlocked = latest(false);
const latestLocked = latest(true);

// Status changes, send jobs and bot turns read a conversation by id: prepared.
const byId = new PreparedQuery<{ accountId: number; id: number }, ConversationRow>((db, param) =>
  db
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('id', '=', param('id')),
);

// The first message of every new contact opens a conversation: prepared.
interface NewConversation {
  accountId: number;
  publicId: string;
  contactId: number;
  channelId: number;
  status: ConversationRow['status'];
  assigneeUserId: number | null;
  assigneeTeamId: number | null;
  assignedToBot: number;
  title: string | null;
  now: number;
}
const insertConversation = new PreparedQuery<NewConversation, ConversationRow>((db, param) =>
  db
    .insertInto('conversations')
    .values({
      account_id: param('accountId'),
      public_id: param('publicId'),
      contact_id: param('contactId'),
      channel_id: param('channelId'),
      status: param('status'),
      assignee_user_id: param('assigneeUserId'),
      assignee_team_id: param('assigneeTeamId'),
      assigned_to_bot: param('assignedToBot'),
      title: param('title'),
      variables: '{}',
      unread_count: 0,
      last_message_at: param('now'),
      created_at: param('now'),
      updated_at: param('now'),
    })
    .returningAll(),
);

/** What an inbound message changes on its conversation. */
export interface InboundTouch {
  last_message_at: number;
  last_inbound_at: number;
  unread_count: number;
  waiting_since: number;
}

const touchInbound = new PreparedQuery<
  InboundTouch & { accountId: number; id: number; updatedAt: number },
  never
>((db, param) =>
  db
    .updateTable('conversations')
    .set({
      last_message_at: param('last_message_at'),
      last_inbound_at: param('last_inbound_at'),
      unread_count: param('unread_count'),
      waiting_since: param('waiting_since'),
      updated_at: param('updatedAt'),
    })
    .where('account_id', '=', param('accountId'))
    .where('id', '=', param('id')),
);

const touchLastMessage = new PreparedQuery<{ accountId: number; id: number; at: number }, never>(
  (db, param) =>
    db
      .updateTable('conversations')
      .set({ last_message_at: param('at'), updated_at: param('at') })
      .where('account_id', '=', param('accountId'))
      .where('id', '=', param('id')),
);

/** Conversations of one account. Every query is scoped by the account given at construction. */
export class ConversationsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  findById(id: number): Promise<ConversationRow | undefined> {
    return byId.takeFirst(this.db, { accountId: this.accountId, id });
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
    return (lock ? latestLocked : latestUnlocked).takeFirst(this.db, {
      accountId: this.accountId,
      contactId,
      channelId,
    });
  }

  /**
   * Serialises, until the transaction ends, the writers about to open a conversation for
   * this contact on this channel, so two messages at once cannot open one each. PostgreSQL
   * only: SQLite already runs one write transaction at a time.
   */
  lockOpening(dialect: DialectName, contactId: number, channelId: number): Promise<void> {
    return lockUntilCommit(this.db, dialect, [
      'conversations',
      this.accountId,
      contactId,
      channelId,
    ]);
  }

  insert(
    conversation: Omit<NewConversation, 'accountId' | 'assignedToBot'> & { assignedToBot: boolean },
  ): Promise<ConversationRow> {
    return insertConversation.takeFirstOrThrow(this.db, {
      ...conversation,
      accountId: this.accountId,
      assignedToBot: conversation.assignedToBot ? 1 : 0,
    });
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

  /** Records an inbound message on the conversation (its times and unread count). */
  async touchInbound(id: number, touch: InboundTouch): Promise<void> {
    await touchInbound.execute(this.db, {
      ...touch,
      accountId: this.accountId,
      id,
      updatedAt: Date.now(),
    });
  }

  /** Records a bot's or the system's message on the conversation (its last message time). */
  async touchLastMessage(id: number, at: number): Promise<void> {
    await touchLastMessage.execute(this.db, { accountId: this.accountId, id, at });
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
