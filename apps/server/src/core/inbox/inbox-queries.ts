import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import type { Db } from '../../storage/database.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import {
  InboxConversationsRepository,
  type AssigneeFilter,
  type InboxRow,
  type LastMessage,
} from '../../storage/repositories/inbox-conversations-repository.js';
import { InboxLabelsRepository } from '../../storage/repositories/inbox-labels-repository.js';
import { MessagesRepository } from '../../storage/repositories/messages-repository.js';
import type { ConversationStatus, MessageRow } from '../../storage/schema-conversations.js';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor.js';
import { notFound } from './inbox-errors.js';

/** A conversation as the inbox shows it: the joined row, its labels and latest message. */
export interface InboxConversation {
  readonly row: InboxRow;
  readonly labels: readonly string[];
  readonly lastMessage: LastMessage | null;
}

export interface InboxListQuery {
  readonly statuses: readonly ConversationStatus[];
  readonly assignee?: AssigneeFilter | undefined;
  readonly teamId?: number | undefined;
  readonly labelName?: string | undefined;
  readonly channelId?: number | undefined;
  readonly unreadOnly?: boolean | undefined;
  readonly text?: string | undefined;
  /** next_cursor of the previous page. */
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export interface InboxPage {
  readonly conversations: readonly InboxConversation[];
  readonly nextCursor: string | null;
}

export interface MessagePage {
  readonly messages: readonly MessageRow[];
  /** Public id of the oldest message returned, when older ones exist. */
  readonly nextBefore: string | null;
}

const labelNames = z.array(z.string()).catch([]);

/** Newest activity first, then newest conversation: the order of the keyset cursor. */
function inboxOrder(a: InboxRow, b: InboxRow): number {
  return b.last_message_at - a.last_message_at || b.id - a.id;
}

/** The inbox's reads: the filtered conversation list, one conversation, its messages. */
export class InboxQueries {
  constructor(private readonly db: Db) {}

  async list(accountId: number, query: InboxListQuery): Promise<InboxPage> {
    const after = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor);
    let labelId: number | undefined;
    if (query.labelName !== undefined) {
      const label = await new InboxLabelsRepository(this.db, accountId).findByName(query.labelName);
      if (label === undefined) return { conversations: [], nextCursor: null };
      labelId = label.id;
    }
    const repository = new InboxConversationsRepository(this.db, accountId);
    const filter = {
      assignee: query.assignee,
      teamId: query.teamId,
      labelId,
      channelId: query.channelId,
      unreadOnly: query.unreadOnly,
      text: query.text,
    };
    // Each status is one ordered index range; the first `limit + 1` rows of each, merged,
    // hold the first `limit + 1` of their union (the extra row says another page follows).
    const heads = await Promise.all(
      [...new Set(query.statuses)].map((status) =>
        repository.page(status, filter, after, query.limit + 1),
      ),
    );
    const rows = heads.flat().sort(inboxOrder);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last !== undefined
        ? encodeInboxCursor({ lastMessageAt: last.last_message_at, id: last.id })
        : null;
    return { conversations: await this.#complete(repository, page), nextCursor };
  }

  async get(accountId: number, publicId: string): Promise<InboxConversation> {
    const repository = new InboxConversationsRepository(this.db, accountId);
    const row = await repository.findByPublicId(publicId);
    if (row === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    const [conversation] = await this.#complete(repository, [row]);
    if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    return conversation;
  }

  /** A conversation's messages, newest first, older than the message `before` (public id). */
  async messages(
    accountId: number,
    publicId: string,
    before: string | undefined,
    limit: number,
  ): Promise<MessagePage> {
    const conversation = await new ConversationsRepository(this.db, accountId).findByPublicId(
      publicId,
    );
    if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    let beforeId: number | undefined;
    if (before !== undefined) {
      beforeId = await new InboxConversationsRepository(this.db, accountId).messageId(
        conversation.id,
        before,
      );
      if (beforeId === undefined) throw notFound('Message');
    }
    const rows = await new MessagesRepository(this.db, accountId).page(
      conversation.id,
      beforeId,
      limit + 1,
    );
    const messages = rows.slice(0, limit);
    const nextBefore = rows.length > limit ? (messages.at(-1)?.public_id ?? null) : null;
    return { messages, nextBefore };
  }

  /** Adds labels (cached on the row) and the latest message (one query for the page). */
  async #complete(
    repository: InboxConversationsRepository,
    rows: readonly InboxRow[],
  ): Promise<InboxConversation[]> {
    const lastMessages = await repository.lastMessages(rows.map((row) => row.id));
    return rows.map((row) => ({
      row,
      labels: labelNames.parse(JSON.parse(row.label_names)),
      lastMessage: lastMessages.get(row.id) ?? null,
    }));
  }
}
