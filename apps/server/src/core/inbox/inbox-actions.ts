import type { MessageContent } from '@parley/protocol';
import type { ConversationsService } from '../conversations/conversations-service.js';
import { DomainError } from '../errors/domain-error.js';
import type { Db } from '../../storage/database.js';
import { InboxConversationsRepository } from '../../storage/repositories/inbox-conversations-repository.js';
import type { MessageRow } from '../../storage/schema-conversations.js';

/**
 * What an agent does to a conversation from the inbox. The state changes (and their events)
 * are the conversations service's; this adds the inbox's checks: the assignee is an active
 * person of the account, and an agent message has a person behind it.
 */
export class InboxActions {
  constructor(
    private readonly db: Db,
    private readonly conversations: ConversationsService,
  ) {}

  async assign(
    accountId: number,
    publicId: string,
    to: { userId: number } | { teamId: number },
    actorUserId: number | null,
  ): Promise<void> {
    // The service stores any user id it is given; one of another account must not get in.
    if ('userId' in to) await this.#assertAssignable(accountId, to.userId);
    await this.conversations.assign(
      accountId,
      publicId,
      to,
      await this.#by(accountId, actorUserId),
    );
  }

  /** Closes, or reopens a closed conversation; a status it already has is no change. */
  async setStatus(
    accountId: number,
    publicId: string,
    status: 'open' | 'closed',
    actorUserId: number | null,
  ): Promise<void> {
    const by = await this.#by(accountId, actorUserId);
    if (status === 'closed') await this.conversations.close(accountId, publicId, by);
    else await this.conversations.reopen(accountId, publicId, by);
  }

  async markRead(accountId: number, publicId: string): Promise<void> {
    const found = await new InboxConversationsRepository(this.db, accountId).markRead(publicId);
    if (!found) throw new DomainError('CONVERSATION_NOT_FOUND');
  }

  async send(
    accountId: number,
    publicId: string,
    content: MessageContent,
    userId: number | null,
  ): Promise<MessageRow> {
    if (userId === null)
      throw new DomainError('BAD_REQUEST', {
        message:
          'An agent message is sent as a person: call with a user token or a web-app ' +
          'session, not an account token.',
      });
    return this.conversations.sendAgentMessage(accountId, publicId, { content, userId });
  }

  async #assertAssignable(accountId: number, userId: number): Promise<void> {
    const user = await this.db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .where('kind', '=', 'human')
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (user === undefined)
      throw new DomainError('USER_NOT_FOUND', {
        message: 'No active person with this id in the account to assign to.',
      });
  }

  /** Who did it, as events name actors (WotNot's `by` is an e-mail); null for account tokens. */
  async #by(accountId: number, userId: number | null): Promise<string | null> {
    if (userId === null) return null;
    const user = await this.db
      .selectFrom('users')
      .select('email')
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return user?.email ?? null;
  }
}
