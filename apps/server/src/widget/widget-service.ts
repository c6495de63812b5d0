import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MessageContent, WidgetMessage, WidgetSession } from '@parley/protocol';
import type { z } from 'zod';
import type { widgetIdentifySchema } from '@parley/protocol';
import { START_CONTENT } from '../core/bots/bot-chat.js';
import type { ServiceContext } from '../core/context.js';
import type { ContactVariables } from '../core/contacts/contact-fields.js';
import { DomainError } from '../core/errors/domain-error.js';
import type { Services } from '../runtime.js';
import type { Db } from '../storage/database.js';
import { ConversationsRepository } from '../storage/repositories/conversations-repository.js';
import type { ContactRow, ConversationRow } from '../storage/schema-conversations.js';
import { inTransaction } from '../storage/transaction.js';
import { anonymousVisitorId, verifiedVisitorId, type VisitorTokens } from './visitor-token.js';
import { parseWebChannelConfig } from './web-channel-config.js';
import { providerIdOf, widgetMessagesAfter } from './widget-messages.js';
import type { VisitorScope, WidgetChannels, WidgetKey } from './widget-visitors.js';

export type IdentifyInput = z.infer<typeof widgetIdentifySchema>;

type Conversation = Pick<WidgetSession, 'conversation_id' | 'messages' | 'cursor'>;

/**
 * What a widget visitor can do: open a session, start the bot, send, read history, tell
 * who they are. Every operation is scoped by the visitor's signed token (channel + visitor
 * id), so one visitor can never read or write another's conversation.
 */
export class WidgetService {
  constructor(
    private readonly context: ServiceContext,
    private readonly services: Pick<
      Services,
      'channels' | 'contacts' | 'conversations' | 'messages'
    >,
    readonly channels: WidgetChannels,
    private readonly tokens: VisitorTokens,
  ) {}

  get db(): Db {
    return this.context.db;
  }

  /** Resumes the visitor of `token` when it belongs to this widget, else makes a new one. */
  async openSession(key: WidgetKey, token: string | undefined): Promise<WidgetSession> {
    const { channel } = await this.channels.channelOf(key);
    const known = token === undefined ? undefined : this.tokens.verify(token);
    const visitor =
      known?.channelId === channel.id
        ? known
        : { channelId: channel.id, visitorId: anonymousVisitorId() };
    const scope: VisitorScope = { visitor, channel, accountId: channel.account_id };
    const contact = await this.contactOf(scope);
    const conversation = contact === undefined ? undefined : await this.#latest(scope, contact);
    return {
      visitor_token: this.tokens.issue(visitor),
      ...(await this.#view(scope, conversation, 0)),
      contact: contactView(contact),
    };
  }

  /** Starts the bot unless the visitor already has an open conversation (idempotent). */
  async start(scope: VisitorScope): Promise<Conversation> {
    const contact = await this.#ensureContact(scope, {});
    const latest = await this.#latest(scope, contact);
    if (latest !== undefined && latest.status !== 'closed') return this.#view(scope, latest, 0);
    return this.#begin(scope, false);
  }

  /** Closes the current conversation and starts the bot in a new one (preview's restart). */
  async restart(scope: VisitorScope): Promise<WidgetSession> {
    const contact = await this.#ensureContact(scope, {});
    const latest = await this.#latest(scope, contact);
    if (latest !== undefined && latest.status !== 'closed') {
      await this.services.conversations.close(scope.accountId, latest.public_id, 'visitor');
    }
    return {
      visitor_token: this.tokens.issue(scope.visitor),
      ...(await this.#begin(scope, true)),
      contact: contactView(contact),
    };
  }

  async #begin(scope: VisitorScope, startNew: boolean): Promise<Conversation> {
    const result = await this.services.conversations.receive(scope.accountId, {
      channel: scope.channel,
      contact: { externalId: scope.visitor.visitorId },
      content: START_CONTENT,
      providerMessageId: null,
      startNew,
    });
    if (result.outcome === 'blocked') throw new DomainError('CONTACT_IS_BLOCKED');
    return this.#view(scope, result.conversation, 0);
  }

  /** The visitor's message; a retry with the same client id returns the stored one. */
  async send(
    scope: VisitorScope,
    clientId: string,
    content: MessageContent,
  ): Promise<WidgetMessage> {
    const result = await this.services.conversations.receive(scope.accountId, {
      channel: scope.channel,
      contact: { externalId: scope.visitor.visitorId },
      content,
      providerMessageId: providerIdOf(scope.visitor.visitorId, clientId),
    });
    if (result.outcome === 'blocked') throw new DomainError('CONTACT_IS_BLOCKED');
    const [message] = await widgetMessagesAfter(
      this.context.db,
      scope.accountId,
      result.conversation.id,
      result.message.id - 1,
      1,
    );
    if (message === undefined) throw new DomainError('MESSAGE_NOT_SENT');
    return message;
  }

  /** Messages after `after` in the visitor's current conversation. */
  async history(scope: VisitorScope, after: number): Promise<Conversation> {
    const contact = await this.contactOf(scope);
    const conversation = contact === undefined ? undefined : await this.#latest(scope, contact);
    return this.#view(scope, conversation, after);
  }

  /** The conversation id a visitor's live updates come from (undefined: none yet). */
  async conversationOf(scope: VisitorScope): Promise<ConversationRow | undefined> {
    const contact = await this.contactOf(scope);
    return contact === undefined ? undefined : this.#latest(scope, contact);
  }

  /**
   * Sets contact fields. With identity verification on, or whenever a `user_id` is given,
   * the host's HMAC must match; a verified visitor becomes `user:<id>` on this channel, so
   * the same person continues their conversations from any browser.
   */
  async identify(
    scope: VisitorScope,
    input: IdentifyInput,
  ): Promise<{ contact: WidgetSession['contact']; visitor_token: string }> {
    const settings = parseWebChannelConfig(scope.channel.config);
    const subject = input.user_id ?? (input.identity_hash === undefined ? undefined : input.email);
    const verified =
      subject !== undefined && this.#hashMatches(scope, subject, input.identity_hash);
    if ((settings.identityVerification || input.user_id !== undefined) && !verified) {
      throw new DomainError('IDENTITY_NOT_VERIFIED');
    }
    const visitor = verified
      ? {
          channelId: scope.channel.id,
          visitorId: verifiedVisitorId(input.user_id ?? `email:${subject.toLowerCase()}`),
        }
      : scope.visitor;
    const next: VisitorScope = { ...scope, visitor };
    const fields = {
      name: input.name,
      email: input.email,
      phone: input.phone,
      variables: input.variables,
    };
    const contact = await this.#ensureContact(next, fields);
    const updated = await this.services.contacts.update(scope.accountId, contact.id, fields);
    return {
      contact: { ...contactView(updated), verified },
      visitor_token: this.tokens.issue(visitor),
    };
  }

  /** `Parley.setVariables`: contact variables, which flows read as `contact.<name>`. */
  async setVariables(scope: VisitorScope, variables: ContactVariables): Promise<void> {
    const contact = await this.#ensureContact(scope, {});
    await this.services.contacts.update(scope.accountId, contact.id, { variables });
  }

  /** The visitor has seen everything up to `seq`: the bot's and agents' messages are read. */
  async markRead(scope: VisitorScope, seq: number): Promise<void> {
    const conversation = await this.conversationOf(scope);
    if (conversation === undefined) return;
    const unread = await this.context.db
      .selectFrom('messages')
      .select('id')
      .where('account_id', '=', scope.accountId)
      .where('conversation_id', '=', conversation.id)
      .where('direction', '=', 'outbound')
      .where('id', '<=', seq)
      .where('status', 'in', ['queued', 'sent', 'delivered'])
      .orderBy('id')
      .limit(200)
      .execute();
    for (const row of unread) {
      await this.services.messages.applyStatus(scope.accountId, row.id, 'read');
    }
  }

  #hashMatches(scope: VisitorScope, subject: string, hash: string | undefined): boolean {
    const secret = this.services.channels.secretsOf(scope.channel).identitySecret;
    if (secret === undefined || secret === '' || hash === undefined) return false;
    const expected = Buffer.from(createHmac('sha256', secret).update(subject).digest('hex'));
    const given = Buffer.from(hash);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async #view(
    scope: VisitorScope,
    conversation: ConversationRow | undefined,
    after: number,
  ): Promise<Conversation> {
    if (conversation === undefined) return { conversation_id: null, messages: [], cursor: after };
    const messages = await widgetMessagesAfter(
      this.context.db,
      scope.accountId,
      conversation.id,
      after,
    );
    return {
      conversation_id: conversation.public_id,
      messages,
      cursor: messages.at(-1)?.seq ?? after,
    };
  }

  /** The visitor's contact; undefined until they start, send or identify. */
  contactOf(scope: VisitorScope): Promise<ContactRow | undefined> {
    return this.context.db
      .selectFrom('contacts')
      .innerJoin('contact_identities as i', 'i.contact_id', 'contacts.id')
      .selectAll('contacts')
      .where('i.account_id', '=', scope.accountId)
      .where('contacts.account_id', '=', scope.accountId)
      .where('i.channel_id', '=', scope.channel.id)
      .where('i.external_id', '=', scope.visitor.visitorId)
      .executeTakeFirst();
  }

  /** The visitor's contact, made on first need (a socket, a message, identify). */
  async ensureContact(scope: VisitorScope): Promise<ContactRow> {
    return this.#ensureContact(scope, {});
  }

  async #ensureContact(
    scope: VisitorScope,
    defaults: { name?: string | undefined; email?: string | undefined; phone?: string | undefined },
  ): Promise<ContactRow> {
    const { contact } = await inTransaction(this.context.db, (unit) =>
      this.services.contacts.findOrCreateByIdentity(
        unit,
        scope.accountId,
        scope.channel.id,
        scope.visitor.visitorId,
        {
          name: defaults.name ?? null,
          email: defaults.email ?? null,
          phone: defaults.phone ?? null,
        },
      ),
    );
    return contact;
  }

  #latest(scope: VisitorScope, contact: ContactRow): Promise<ConversationRow | undefined> {
    return new ConversationsRepository(this.context.db, scope.accountId).findLatest(
      contact.id,
      scope.channel.id,
    );
  }
}

function contactView(contact: ContactRow | undefined): WidgetSession['contact'] {
  return {
    name: contact?.name ?? null,
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    verified: false,
  };
}
