import type { ServiceContext } from '../context.js';
import { conversationPublicId } from '../ids.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
} from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ConversationSnapshot } from '../events/snapshots.js';
import { conversationSnapshot } from './snapshots.js';

// The changes to a conversation that every path makes the same way: write the row, then
// record the event (its committing listeners run in the same unit).

/** Opens a conversation for the contact on the channel, with its `conversation.created`. */
export async function openConversation(
  context: ServiceContext,
  unit: UnitOfWork,
  channel: ChannelRow,
  contact: ContactRow,
  isNewContact: boolean,
  now: number,
  assigneeUserId: number | null,
): Promise<ConversationRow> {
  const conversation = await new ConversationsRepository(unit.db, channel.account_id).insert({
    publicId: conversationPublicId(),
    contactId: contact.id,
    channelId: channel.id,
    status: 'open',
    assigneeUserId,
    assigneeTeamId: null,
    assignedToBot: false,
    title: contact.name ?? contact.phone ?? contact.email,
    now,
  });
  await context.events.record(unit, channel.account_id, conversation.id, 'conversation.created', {
    conversation: await conversationSnapshot(unit.db, context.caches, conversation, {
      channel,
      contact,
    }),
    isNewContact,
  });
  // Its listeners may have changed it (the SLA service gives it the default policy): what
  // follows in this transaction (the message's event, the bot's turn) starts from the row
  // as it now stands.
  const current = await new ConversationsRepository(unit.db, channel.account_id).findById(
    conversation.id,
  );
  return current ?? conversation;
}

/** Opens or closes a conversation, with its `conversation.status_changed`. */
export async function setConversationStatus(
  context: ServiceContext,
  unit: UnitOfWork,
  conversation: ConversationRow,
  status: 'open' | 'closed',
  by: string | null,
): Promise<ConversationRow> {
  const changes = { status, closed_at: status === 'closed' ? Date.now() : null };
  const { updated, snapshot } = await write(context, unit, conversation, changes);
  await context.events.record(
    unit,
    conversation.account_id,
    conversation.id,
    'conversation.status_changed',
    { conversation: snapshot, previousStatus: conversation.status, by },
  );
  return updated;
}

/** Gives the conversation to a user and/or team (not the bot), with its event. */
export async function changeAssignee(
  context: ServiceContext,
  unit: UnitOfWork,
  conversation: ConversationRow,
  to: { userId: number | null; teamId: number | null },
  by: string | null,
): Promise<ConversationRow> {
  const changes = { assignee_user_id: to.userId, assignee_team_id: to.teamId, assigned_to_bot: 0 };
  const { updated, snapshot } = await write(context, unit, conversation, changes);
  await context.events.record(
    unit,
    conversation.account_id,
    conversation.id,
    'conversation.assignee_changed',
    { conversation: snapshot, by },
  );
  return updated;
}

/** Writes `changes` to the row; answers the row as it now stands and its event snapshot. */
async function write(
  context: ServiceContext,
  unit: UnitOfWork,
  conversation: ConversationRow,
  changes: Partial<ConversationRow>,
): Promise<{ updated: ConversationRow; snapshot: ConversationSnapshot }> {
  await new ConversationsRepository(unit.db, conversation.account_id).update(
    conversation.id,
    changes,
  );
  const updated = { ...conversation, ...changes };
  return { updated, snapshot: await conversationSnapshot(unit.db, context.caches, updated) };
}
