import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { isEventOf, type RecordedEvent } from '../events/event-recorder.js';
import { conversationSnapshot } from '../conversations/snapshots.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { ConversationRow, SlaKind, SlaPolicyRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import { dueAt, isBreached } from './sla-clocks.js';

/**
 * SLA policies on durable timers. When a clock starts, an `sla.check` job for its due
 * instant is enqueued in the same transaction (nothing is lost on a crash); when it fires,
 * the clock is re-evaluated and a breach is recorded once — the unique (conversation, kind,
 * due) row makes a second firing, or a second process, a no-op.
 */
export class SlaService {
  constructor(private readonly context: ServiceContext) {}

  /** The committing listener: starts clocks as conversations begin and contacts wait. */
  readonly onEvent = async (unit: UnitOfWork, event: RecordedEvent): Promise<void> => {
    if (event.type !== 'conversation.created' && event.type !== 'message.created') return;
    // The inbound hot path: only a contact's message under a policy can start a clock.
    if (
      isEventOf(event, 'message.created') &&
      (event.data.message.direction !== 'inbound' || event.data.conversation.slaPolicyId === null)
    ) {
      return;
    }
    // A new conversation without a policy of its own, in an account without a default one
    // (the cached answer): nothing to time, nothing to read.
    if (
      isEventOf(event, 'conversation.created') &&
      event.data.conversation.slaPolicyId === null &&
      (await this.#defaultPolicy(unit, event.accountId)) === undefined
    ) {
      return;
    }
    const conversation = await unit.db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', event.accountId)
      .where('id', '=', event.conversationId)
      .executeTakeFirst();
    if (conversation === undefined) return;
    let policy = await this.#policyOf(unit, conversation);
    if (event.type === 'conversation.created' && conversation.sla_policy_id === null) {
      policy = await this.#defaultPolicy(unit, event.accountId);
      if (policy === undefined) return;
      await unit.db
        .updateTable('conversations')
        .set({ sla_policy_id: policy.id })
        .where('id', '=', conversation.id)
        .execute();
    }
    if (policy === undefined) return;
    const kinds: readonly SlaKind[] =
      event.type === 'conversation.created' ? ['first_response', 'resolution'] : ['next_response'];
    for (const kind of kinds) await this.#schedule(unit, conversation, policy, kind);
  };

  /** `sla.check`: fires at a clock's due instant. */
  checkJob(): JobDefinition<'sla.check'> {
    return {
      name: 'sla.check',
      payload: z.object({
        accountId: z.number(),
        conversationId: z.number(),
        kind: z.enum(['first_response', 'next_response', 'resolution']),
        dueAt: z.number(),
      }),
      handle: async ({ accountId, conversationId, kind, dueAt: due }) => {
        await inTransaction(this.context.db, async (unit) => {
          const conversation = await unit.db
            .selectFrom('conversations')
            .selectAll()
            .where('account_id', '=', accountId)
            .where('id', '=', conversationId)
            .executeTakeFirst();
          if (conversation === undefined) return;
          const policy = await this.#policyOf(unit, conversation);
          if (policy === undefined || !isBreached(kind, conversation, policy, due, Date.now()))
            return;
          const inserted = await unit.db
            .insertInto('sla_breaches')
            .values({
              account_id: accountId,
              conversation_id: conversationId,
              kind,
              due_at: due,
              breached_at: Date.now(),
            })
            .onConflict((conflict) =>
              conflict.columns(['conversation_id', 'kind', 'due_at']).doNothing(),
            )
            .executeTakeFirst();
          if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return;
          await this.context.events.record(unit, accountId, conversationId, 'sla.breached', {
            conversation: await conversationSnapshot(unit.db, this.context.caches, conversation),
            kind,
            dueAt: due,
          });
        });
      },
    };
  }

  async #schedule(
    unit: UnitOfWork,
    conversation: ConversationRow,
    policy: SlaPolicyRow,
    kind: SlaKind,
  ): Promise<void> {
    const due = dueAt(kind, conversation, policy);
    if (due === null) return;
    await this.context.queue.enqueue(
      'sla.check',
      { accountId: conversation.account_id, conversationId: conversation.id, kind, dueAt: due },
      {
        accountId: conversation.account_id,
        runAt: due,
        idempotencyKey: `sla:${conversation.id}:${kind}:${due}`,
      },
      unit,
    );
  }

  async #policyOf(
    unit: UnitOfWork,
    conversation: ConversationRow,
  ): Promise<SlaPolicyRow | undefined> {
    if (conversation.sla_policy_id === null) return undefined;
    return unit.db
      .selectFrom('sla_policies')
      .selectAll()
      .where('account_id', '=', conversation.account_id)
      .where('id', '=', conversation.sla_policy_id)
      .executeTakeFirst();
  }

  #defaultPolicy(unit: UnitOfWork, accountId: number): Promise<SlaPolicyRow | undefined> {
    return this.context.caches.defaultSlaPolicy.get(accountId, () =>
      unit.db
        .selectFrom('sla_policies')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('is_default', '=', 1)
        .orderBy('id')
        .executeTakeFirst(),
    );
  }
}
