import {
  contentToText,
  isStatusAdvance,
  statusHistorySchema,
  type DeliveryStatus,
  type MessageContent,
  type StatusChange,
} from '@parley/protocol';
import type { ServiceContext } from '../context.js';
import { messagePublicId } from '../ids.js';
import {
  conversationSnapshot,
  messageSnapshot,
  type KnownRows,
} from '../conversations/snapshots.js';
import {
  ConversationsRepository,
  type InboundTouch,
} from '../../storage/repositories/conversations-repository.js';
import {
  MessagesRepository,
  type StatusChanges,
} from '../../storage/repositories/messages-repository.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
  MessageRow,
  SenderType,
} from '../../storage/schema-conversations.js';
import { withinUnit, type UnitOfWork } from '../../storage/transaction.js';

export interface OutgoingMessage {
  readonly content: MessageContent;
  readonly senderType: Exclude<SenderType, 'contact'>;
  readonly senderUserId?: number | null;
}

export interface IncomingMessage {
  readonly content: MessageContent;
  readonly providerMessageId: string | null;
  readonly at?: number;
}

/** Send attempts: enough to ride out a provider outage of several minutes. */
const SEND_ATTEMPTS = 8;

/**
 * Whether an outbound message to this contact on this channel is delivered by being
 * committed (ChannelSender.deliveredOnCommit): such a message is marked sent in its own
 * transaction instead of going through a send job.
 */
export type DeliveredOnCommit = (channel: ChannelRow, contact: ContactRow) => boolean;

/**
 * Messages in and out of conversations. An outbound message and the job that sends it are
 * written in one transaction (the outbox); the send job is idempotent per message.
 */
export class MessagesService {
  constructor(
    private readonly context: ServiceContext,
    private readonly deliveredOnCommit: DeliveredOnCommit = () => false,
  ) {}

  /** Adds an outbound message to a conversation and queues its delivery, in `unit`. */
  async addOutbound(
    unit: UnitOfWork,
    conversation: ConversationRow,
    outgoing: OutgoingMessage,
    known: KnownRows = {},
  ): Promise<MessageRow> {
    const now = Date.now();
    const accountId = conversation.account_id;
    const message = await new MessagesRepository(unit.db, accountId).insert({
      public_id: messagePublicId(),
      conversation_id: conversation.id,
      channel_id: conversation.channel_id,
      direction: 'outbound',
      sender_type: outgoing.senderType,
      sender_user_id: outgoing.senderUserId ?? null,
      content: JSON.stringify(outgoing.content),
      text: contentToText(outgoing.content),
      status: 'queued',
      status_history: JSON.stringify([{ status: 'queued', at: now }]),
      failure_reason: null,
      provider_message_id: null,
      created_at: now,
      updated_at: now,
    });
    const isAgentReply = outgoing.senderType === 'user';
    const touched: Partial<ConversationRow> = {
      last_message_at: now,
      ...(isAgentReply ? { waiting_since: null, unread_count: 0 } : {}),
      ...(isAgentReply && conversation.first_response_at === null
        ? { first_response_at: now }
        : {}),
    };
    const conversations = new ConversationsRepository(unit.db, accountId);
    // A bot's reply (every turn has some) only moves the last message time: prepared.
    if (isAgentReply) await conversations.update(conversation.id, touched);
    else await conversations.touchLastMessage(conversation.id, now);
    const { channel, contact } = known;
    const deliveredNow =
      channel !== undefined && contact !== undefined && this.deliveredOnCommit(channel, contact);
    if (!deliveredNow) {
      await this.context.queue.enqueue(
        'message.send',
        { accountId, messageId: message.id },
        {
          accountId,
          idempotencyKey: `message.send:${message.public_id}`,
          maxAttempts: SEND_ATTEMPTS,
        },
        unit,
      );
    }
    const conversationNow = { ...conversation, ...touched };
    await this.#record(unit, conversationNow, message, 'message.created', known, outgoing.content);
    if (deliveredNow) {
      // The same "sent" a send job would record, with the message's own id as the provider's.
      const sent = { providerMessageId: message.public_id };
      await this.#advance(unit, message, 'sent', sent, conversationNow, known);
    }
    return message;
  }

  /**
   * Records an inbound message. A provider id seen before on this channel returns the
   * existing message instead of a second one (providers redeliver webhooks).
   */
  async addInbound(
    unit: UnitOfWork,
    conversation: ConversationRow,
    incoming: IncomingMessage,
    known: KnownRows = {},
  ): Promise<{ message: MessageRow; duplicate: boolean }> {
    const accountId = conversation.account_id;
    const messages = new MessagesRepository(unit.db, accountId);
    const now = incoming.at ?? Date.now();
    const message = await messages.insertUnlessKnown({
      public_id: messagePublicId(),
      conversation_id: conversation.id,
      channel_id: conversation.channel_id,
      direction: 'inbound',
      sender_type: 'contact',
      sender_user_id: null,
      content: JSON.stringify(incoming.content),
      text: contentToText(incoming.content),
      status: 'received',
      status_history: JSON.stringify([{ status: 'received', at: now }]),
      failure_reason: null,
      provider_message_id: incoming.providerMessageId,
      created_at: now,
      updated_at: now,
    });
    if (message === undefined) {
      // The same provider message raced in through another delivery and won.
      const existing = await messages.findByProviderId(
        conversation.channel_id,
        incoming.providerMessageId ?? '',
      );
      if (existing === undefined) throw new Error('a conflicting message vanished');
      return { message: existing, duplicate: true };
    }
    const touched: InboundTouch = {
      last_message_at: now,
      last_inbound_at: now,
      unread_count: conversation.unread_count + 1,
      waiting_since: conversation.waiting_since ?? now,
    };
    await new ConversationsRepository(unit.db, accountId).touchInbound(conversation.id, touched);
    await this.#record(
      unit,
      { ...conversation, ...touched },
      message,
      'message.created',
      known,
      incoming.content,
    );
    return { message, duplicate: false };
  }

  /**
   * Moves a message's delivery status forward (queued → sent → delivered → read, or
   * failed). Out-of-order or repeated reports are ignored: a late "sent" never overwrites
   * "read". Returns whether anything changed.
   */
  async applyStatus(
    accountId: number,
    messageId: number,
    status: DeliveryStatus,
    details: { reason?: string; providerMessageId?: string } = {},
    within?: UnitOfWork,
  ): Promise<boolean> {
    return withinUnit(this.context.db, within, async (unit) => {
      const message = await new MessagesRepository(unit.db, accountId).findById(messageId);
      if (message === undefined || !isStatusAdvance(message.status, status)) return false;
      const conversation = await new ConversationsRepository(unit.db, accountId).findById(
        message.conversation_id,
      );
      await this.#advance(unit, message, status, details, conversation);
      return true;
    });
  }

  /** Writes a status change onto `message` and records its event (when the conversation is known). */
  async #advance(
    unit: UnitOfWork,
    message: MessageRow,
    status: DeliveryStatus,
    details: { reason?: string; providerMessageId?: string },
    conversation: ConversationRow | undefined,
    known: KnownRows = {},
  ): Promise<void> {
    const history: StatusChange[] = [
      ...parseHistory(message.status_history),
      {
        status,
        at: Date.now(),
        ...(details.reason === undefined ? {} : { reason: details.reason }),
      },
    ];
    const changes: StatusChanges = {
      status,
      status_history: JSON.stringify(history),
      failure_reason: status === 'failed' ? (details.reason ?? 'failed') : message.failure_reason,
      provider_message_id: details.providerMessageId ?? message.provider_message_id,
    };
    await new MessagesRepository(unit.db, message.account_id).setStatus(message.id, changes);
    if (conversation !== undefined)
      await this.#record(
        unit,
        conversation,
        { ...message, ...changes },
        'message.status_changed',
        known,
      );
  }

  async #record(
    unit: UnitOfWork,
    conversation: ConversationRow,
    message: MessageRow,
    type: 'message.created' | 'message.status_changed',
    known: KnownRows = {},
    content?: MessageContent,
  ): Promise<void> {
    const sender =
      message.sender_user_id === null
        ? undefined
        : await unit.db
            .selectFrom('users')
            .select(['email', 'first_name', 'last_name'])
            .where('account_id', '=', conversation.account_id)
            .where('id', '=', message.sender_user_id)
            .executeTakeFirst();
    await this.context.events.record(unit, conversation.account_id, conversation.id, type, {
      conversation: await conversationSnapshot(unit.db, this.context.caches, conversation, known),
      message: messageSnapshot(
        message,
        sender === undefined
          ? null
          : { email: sender.email, name: personName(sender.first_name, sender.last_name) },
        content,
      ),
    });
  }
}

/** A user's name as people see it: first and last name, or null when neither is set. */
function personName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? null : name;
}

function parseHistory(json: string): StatusChange[] {
  return statusHistorySchema.parse(JSON.parse(json));
}
