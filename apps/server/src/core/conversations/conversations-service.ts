import { messageContentSchema, type MessageContent } from '@parley/protocol';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { readAccountSettings } from '../accounts/account-settings.js';
import type { MessagesService } from '../messages/messages-service.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import { MessagesRepository } from '../../storage/repositories/messages-repository.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
  MessageRow,
} from '../../storage/schema-conversations.js';
import { inTransaction, withinUnit, type UnitOfWork } from '../../storage/transaction.js';
import { nextAgentInTeam } from './assignment.js';
import type { ContactsService } from '../contacts/contacts-service.js';
import { assertConversationAllowance } from './plan-limits.js';
import { changeAssignee, openConversation, setConversationStatus } from './conversation-changes.js';
import { conversationSnapshot } from './snapshots.js';
import { setVariablesInUnit } from './variables.js';
import { withoutNulCharacters } from '../nul-characters.js';

/** Who a channel says the contact is. */
export interface ContactHint {
  /** The contact's id on the channel: phone (E.164), PSID, chat id, e-mail. */
  readonly externalId: string;
  readonly phone?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly name?: string | null | undefined;
}

export interface StartConversation {
  readonly channel: ChannelRow;
  readonly contact: ContactHint;
  readonly content: MessageContent;
  /** The agent the conversation goes to (and who "sends" the first message). */
  readonly assigneeUserId?: number | null | undefined;
}

export interface InboundDelivery {
  readonly channel: ChannelRow;
  readonly contact: ContactHint;
  readonly content: MessageContent;
  readonly providerMessageId: string | null;
  /** After a closed conversation, start a new one even when the account reopens (restart). */
  readonly startNew?: boolean;
}

export type InboundResult =
  | {
      readonly outcome: 'accepted' | 'duplicate';
      readonly conversation: ConversationRow;
      readonly message: MessageRow;
    }
  | { readonly outcome: 'blocked' };

/** Conversations: one contact on one channel, from the first message to closed. */
export class ConversationsService {
  constructor(
    private readonly context: ServiceContext,
    private readonly messages: MessagesService,
    private readonly contacts: ContactsService,
  ) {}

  #contactOf(
    unit: UnitOfWork,
    channel: ChannelRow,
    hint: ContactHint,
  ): ReturnType<ContactsService['findOrCreateByIdentity']> {
    return this.contacts.findOrCreateByIdentity(
      unit,
      channel.account_id,
      channel.id,
      hint.externalId,
      {
        name: hint.name,
        email: hint.email,
        phone: hint.phone,
      },
    );
  }

  async get(accountId: number, publicId: string): Promise<ConversationRow> {
    const conversation = await new ConversationsRepository(
      this.context.db,
      accountId,
    ).findByPublicId(publicId);
    if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    return conversation;
  }

  /**
   * Starts (or continues) a conversation from our side with a first outbound message:
   * the contact's open conversation on the channel is reused, else a new one is opened.
   */
  async start(
    accountId: number,
    start: StartConversation,
    /** The caller's transaction (a bot turn), else a new one. */
    within?: UnitOfWork,
  ): Promise<{ conversation: ConversationRow; message: MessageRow; contact: ContactRow }> {
    if (start.channel.enabled === 0) throw new DomainError('CHANNEL_NOT_ENABLED');
    return withinUnit(this.context.db, within, async (unit) => {
      const { contact, created } = await this.#contactOf(unit, start.channel, start.contact);
      if (contact.blocked === 1) throw new DomainError('CONTACT_IS_BLOCKED');
      const now = Date.now();
      let conversation = await this.#current(unit, accountId, contact.id, start.channel.id);
      if (conversation === undefined) {
        await assertConversationAllowance(unit.db, this.context.dialect, accountId, now);
        conversation = await this.#openOnce(
          unit,
          start.channel,
          contact,
          created,
          now,
          start.assigneeUserId ?? null,
        );
      } else if (
        start.assigneeUserId != null &&
        conversation.assignee_user_id !== start.assigneeUserId
      ) {
        conversation = await changeAssignee(
          this.context,
          unit,
          conversation,
          { userId: start.assigneeUserId, teamId: conversation.assignee_team_id },
          null,
        );
      }
      const message = await this.messages.addOutbound(
        unit,
        conversation,
        {
          content: start.content,
          senderType: start.assigneeUserId == null ? 'system' : 'user',
          senderUserId: start.assigneeUserId ?? null,
        },
        { channel: start.channel, contact },
      );
      return { conversation, message, contact };
    });
  }

  /**
   * The inbound path every channel uses: contact by identity, its current conversation (a
   * closed one reopens, or a new one starts, per account setting), the message recorded
   * once per provider id. A blocked contact's message is dropped.
   */
  async receive(
    accountId: number,
    received: InboundDelivery,
    /** The caller's transaction (the channel inbox drains in one), else a new one. */
    within?: UnitOfWork,
  ): Promise<InboundResult> {
    const delivery = withoutNulCharactersIn(received);
    return withinUnit(this.context.db, within, async (unit) => {
      // A provider redelivering a message we have is answered first: it must not reopen or
      // start a conversation.
      if (delivery.providerMessageId !== null) {
        const known = await new MessagesRepository(unit.db, accountId).findByProviderId(
          delivery.channel.id,
          delivery.providerMessageId,
        );
        if (known !== undefined) {
          const conversation = await new ConversationsRepository(unit.db, accountId).findById(
            known.conversation_id,
          );
          if (conversation !== undefined)
            return { outcome: 'duplicate', conversation, message: known };
        }
      }
      const { contact, created } = await this.#contactOf(unit, delivery.channel, delivery.contact);
      if (contact.blocked === 1) return { outcome: 'blocked' };
      const now = Date.now();
      let conversation = await new ConversationsRepository(unit.db, accountId).findLatest(
        contact.id,
        delivery.channel.id,
        this.context.dialect === 'postgres',
      );
      if (conversation?.status === 'closed') {
        const { reopenOnInbound } = await readAccountSettings(unit.db, accountId);
        conversation =
          reopenOnInbound && delivery.startNew !== true
            ? await setConversationStatus(this.context, unit, conversation, 'open', null)
            : undefined;
      }
      conversation ??= await this.#openOnce(unit, delivery.channel, contact, created, now, null);
      const { message, duplicate } = await this.messages.addInbound(
        unit,
        conversation,
        { content: delivery.content, providerMessageId: delivery.providerMessageId, at: now },
        { channel: delivery.channel, contact },
      );
      return { outcome: duplicate ? 'duplicate' : 'accepted', conversation, message };
    });
  }

  /** An agent's message: not on closed, bot-handled or blocked-contact conversations. */
  async sendAgentMessage(
    accountId: number,
    publicId: string,
    message: { content: MessageContent; userId: number },
  ): Promise<MessageRow> {
    return inTransaction(this.context.db, async (unit) => {
      const conversation = await this.#inUnit(unit, accountId, publicId);
      if (conversation.status === 'closed') throw new DomainError('CONVERSATION_CLOSED');
      if (conversation.assigned_to_bot === 1) throw new DomainError('CONVERSATION_ASSIGNED_TO_BOT');
      const contact = await unit.db
        .selectFrom('contacts')
        .select('blocked')
        .where('account_id', '=', accountId)
        .where('id', '=', conversation.contact_id)
        .executeTakeFirstOrThrow();
      if (contact.blocked === 1) throw new DomainError('CONTACT_IS_BLOCKED');
      return this.messages.addOutbound(unit, conversation, {
        content: message.content,
        senderType: 'user',
        senderUserId: message.userId,
      });
    });
  }

  async close(accountId: number, publicId: string, by: string | null): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const conversation = await this.#inUnit(unit, accountId, publicId);
      if (conversation.status !== 'closed')
        await setConversationStatus(this.context, unit, conversation, 'closed', by);
    });
  }

  async reopen(accountId: number, publicId: string, by: string | null): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const conversation = await this.#inUnit(unit, accountId, publicId);
      if (conversation.status === 'closed')
        await setConversationStatus(this.context, unit, conversation, 'open', by);
    });
  }

  /** Gives the conversation to a user, or to a team (whose mode may pick an agent). */
  async assign(
    accountId: number,
    publicId: string,
    to: { userId: number } | { teamId: number },
    by: string | null,
  ): Promise<ConversationRow> {
    return inTransaction(this.context.db, async (unit) => {
      const conversation = await this.#inUnit(unit, accountId, publicId);
      if (conversation.status === 'closed') throw new DomainError('CONVERSATION_CLOSED');
      if ('userId' in to)
        return changeAssignee(
          this.context,
          unit,
          conversation,
          { userId: to.userId, teamId: conversation.assignee_team_id },
          by,
        );
      const team = await unit.db
        .selectFrom('teams')
        .select(['id', 'assignment_mode'])
        .where('account_id', '=', accountId)
        .where('id', '=', to.teamId)
        .executeTakeFirst();
      if (team === undefined) throw new DomainError('TEAM_NOT_FOUND');
      const userId =
        team.assignment_mode === 'round_robin'
          ? await nextAgentInTeam(unit.db, this.context.dialect, accountId, team.id, Date.now())
          : null;
      return changeAssignee(this.context, unit, conversation, { userId, teamId: team.id }, by);
    });
  }

  /** Sets conversation variables and contact fields/variables (WotNot's variables API). */
  async setVariables(
    accountId: number,
    publicId: string,
    variables: readonly { name: string; type: 'conversation' | 'contact'; value: unknown }[],
  ): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const conversation = await this.#inUnit(unit, accountId, publicId);
      const updated = await setVariablesInUnit(unit, conversation, variables);
      await this.context.events.record(
        unit,
        accountId,
        conversation.id,
        'conversation.variables_changed',
        {
          conversation: await conversationSnapshot(unit.db, this.context.caches, updated),
          changed: variables.map((variable) => ({ ...variable })),
        },
      );
    });
  }

  async #inUnit(unit: UnitOfWork, accountId: number, publicId: string): Promise<ConversationRow> {
    const conversation = await new ConversationsRepository(unit.db, accountId).findByPublicId(
      publicId,
    );
    if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    return conversation;
  }

  /**
   * Opens a conversation for a contact whose latest one on the channel was closed (or who
   * had none), unless another writer opened one meanwhile: two messages at once must not
   * open one each. The first opens it, the others continue it. PostgreSQL waits on a lock
   * and reads again; SQLite runs one write transaction at a time.
   */
  async #openOnce(
    unit: UnitOfWork,
    channel: ChannelRow,
    contact: ContactRow,
    created: boolean,
    now: number,
    assigneeUserId: number | null,
  ): Promise<ConversationRow> {
    const conversations = new ConversationsRepository(unit.db, contact.account_id);
    await conversations.lockOpening(this.context.dialect, contact.id, channel.id);
    const meanwhile =
      this.context.dialect === 'postgres'
        ? await conversations.findLatest(contact.id, channel.id, true)
        : undefined;
    if (meanwhile !== undefined && meanwhile.status !== 'closed') return meanwhile;
    return openConversation(this.context, unit, channel, contact, created, now, assigneeUserId);
  }

  /** The contact's conversation on the channel that is not closed, if any. */
  async #current(
    unit: UnitOfWork,
    accountId: number,
    contactId: number,
    channelId: number,
  ): Promise<ConversationRow | undefined> {
    const latest = await new ConversationsRepository(unit.db, accountId).findLatest(
      contactId,
      channelId,
    );
    return latest?.status === 'closed' ? undefined : latest;
  }
}

/**
 * A provider's message with its content free of NUL characters (replaced by U+FFFD). The
 * drivers replace them in whatever is written (the message's text, the sender's details),
 * but the content is stored as JSON, where a NUL is escaped and would survive: replacing it
 * here keeps the stored content, its text and the events about it the same.
 */
function withoutNulCharactersIn(delivery: InboundDelivery): InboundDelivery {
  const content = withoutNulCharacters(delivery.content, messageContentSchema);
  return content === delivery.content ? delivery : { ...delivery, content };
}
