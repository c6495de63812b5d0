import type { ServiceContext } from '../context.js';
import { conversationSnapshot } from '../conversations/snapshots.js';
import { DomainError } from '../errors/domain-error.js';
import { InboxConversationsRepository } from '../../storage/repositories/inbox-conversations-repository.js';
import { InboxLabelsRepository } from '../../storage/repositories/inbox-labels-repository.js';
import type { ConversationRow, LabelRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import { inboxError, notFound } from './inbox-errors.js';

/** Labels of the account, and the set each conversation carries. */
export class InboxLabels {
  constructor(private readonly context: ServiceContext) {}

  list(accountId: number): Promise<LabelRow[]> {
    return new InboxLabelsRepository(this.context.db, accountId).list();
  }

  async create(accountId: number, label: { name: string; color?: string }): Promise<LabelRow> {
    const created = await new InboxLabelsRepository(this.context.db, accountId).insert(
      label.name,
      label.color,
    );
    if (created === undefined) throw inboxError('LABEL_ALREADY_EXISTS');
    return created;
  }

  /**
   * Deletes a label: conversations lose it, and their cached label names are rewritten in
   * the same transaction (no labels_changed event per conversation, as Chatwoot).
   */
  async remove(accountId: number, id: number): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const labels = new InboxLabelsRepository(unit.db, accountId);
      const carriers = await labels.conversationsWith(id);
      if (!(await labels.remove(id))) throw notFound('Label');
      await labels.refreshCachedNames(carriers);
    });
  }

  /**
   * Makes `names` the conversation's labels, creating unknown ones, and records
   * `conversation.labels_changed` (with the snapshot after the change) when the set moved.
   * Returns the new set, alphabetically.
   */
  async replace(accountId: number, publicId: string, names: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(names)];
    return inTransaction(this.context.db, async (unit) => {
      const conversation = await new InboxConversationsRepository(unit.db, accountId).findForUpdate(
        publicId,
        this.context.dialect,
      );
      if (conversation === undefined) throw new DomainError('CONVERSATION_NOT_FOUND');
      return setConversationLabels(unit, this.context, conversation, wanted);
    });
  }
}

/**
 * Makes `wanted` the conversation's labels in the caller's transaction (the inbox, a bot's
 * Send status block), creating unknown ones, and records `conversation.labels_changed` when
 * the set moved. Returns the new set, alphabetically.
 */
export async function setConversationLabels(
  unit: UnitOfWork,
  context: ServiceContext,
  conversation: ConversationRow,
  wanted: readonly string[],
): Promise<string[]> {
  const accountId = conversation.account_id;
  const labels = new InboxLabelsRepository(unit.db, accountId);
  const current = await labels.ofConversation(conversation.id);
  await labels.insertMissing(wanted);
  const target = await labels.findByNames(wanted);
  const currentIds = new Set(current.map((label) => label.id));
  const wantedIds = new Set(target.map((label) => label.id));
  const added = target.filter((label) => !currentIds.has(label.id));
  const removed = current.filter((label) => !wantedIds.has(label.id));
  await labels.link(
    conversation.id,
    added.map((label) => label.id),
  );
  await labels.unlink(
    conversation.id,
    removed.map((label) => label.id),
  );
  const names = target.map((label) => label.name).sort();
  if (added.length > 0 || removed.length > 0) {
    const labelNames = await labels.setCachedNames(conversation.id, names);
    await context.events.record(unit, accountId, conversation.id, 'conversation.labels_changed', {
      conversation: await conversationSnapshot(unit.db, context.caches, {
        ...conversation,
        label_names: labelNames,
      }),
      added: added.map((label) => label.name).sort(),
      removed: removed.map((label) => label.name).sort(),
    });
  }
  return names;
}
