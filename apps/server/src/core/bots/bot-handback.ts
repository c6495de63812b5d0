import type { UnitOfWork } from '../../storage/transaction.js';
import { inTransaction } from '../../storage/transaction.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import type { ServiceContext } from '../context.js';
import { conversationSnapshot } from '../conversations/snapshots.js';
import { DomainError } from '../errors/domain-error.js';
import { isEventOf, type RecordedEvent } from '../events/event-recorder.js';
import type { BotRunner } from './bot-runner.js';
import { lockConversation, lockSession, parseState, saveSession } from './bot-session-store.js';

/**
 * What happens after a bot handed a conversation to the agents. An agent hands it back:
 * the bot resumes on the Talk-to-human block's "handback" edge, in the same transaction
 * that gives the conversation back to it. The conversation is closed: the handover is
 * forgotten, so when the contact writes again the bot starts afresh.
 */
export class BotHandback {
  constructor(
    private readonly context: ServiceContext,
    private readonly runner: BotRunner,
  ) {}

  async handBack(accountId: number, publicId: string, by: string | null): Promise<void> {
    const found = await new ConversationsRepository(this.context.db, accountId).findByPublicId(
      publicId,
    );
    if (found === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
    await inTransaction(this.context.db, async (unit) => {
      const { dialect } = this.context;
      const conversation = await lockConversation(unit, dialect, accountId, found.id);
      if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
      if (conversation.status === 'closed') throw new DomainError('CONVERSATION_CLOSED');
      const row = await lockSession(unit, dialect, accountId, conversation.id);
      const state = row === undefined ? undefined : parseState(row.state);
      if (state?.session.endReason !== 'handover') {
        throw new DomainError('BAD_REQUEST', {
          message: 'No bot handed this conversation over, so none can take it back.',
        });
      }
      const changes = { assigned_to_bot: 1, status: 'pending' as const, assignee_user_id: null };
      await new ConversationsRepository(unit.db, accountId).update(conversation.id, changes);
      const updated = { ...conversation, ...changes };
      await this.context.events.record(
        unit,
        accountId,
        conversation.id,
        'conversation.assignee_changed',
        { conversation: await conversationSnapshot(unit.db, this.context.caches, updated), by },
      );
      await this.runner.turn(
        unit,
        accountId,
        conversation.id,
        { type: 'handback' },
        {
          kind: 'handback',
        },
      );
    });
  }

  /** The committing listener: closing forgets a handover. */
  readonly onEvent = async (unit: UnitOfWork, event: RecordedEvent): Promise<void> => {
    if (!isEventOf(event, 'conversation.status_changed')) return;
    if (event.data.conversation.status !== 'closed') return;
    const row = await lockSession(
      unit,
      this.context.dialect,
      event.accountId,
      event.conversationId,
    );
    if (row === undefined) return;
    const state = parseState(row.state);
    if (state.session.endReason !== 'handover') return;
    const session = { ...state.session };
    delete session.endReason;
    const key = {
      accountId: row.account_id,
      conversationId: row.conversation_id,
      botId: row.bot_id,
      flowVersionId: row.flow_version_id,
    };
    await saveSession(unit, row, key, { ...state, session }, this.context.clock.now());
  };
}
