import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Effect } from '../../engine/types.js';
import { ConversationsRepository } from '../../storage/repositories/conversations-repository.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
} from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import { nextAgentInTeam } from '../conversations/assignment.js';
import { conversationSnapshot } from '../conversations/snapshots.js';
import { setVariablesInUnit } from '../conversations/variables.js';
import { readAccountSettings, writeAccountSettings } from '../accounts/account-settings.js';
import { setConversationLabels } from '../inbox/inbox-labels.js';
import type { MessagesService } from '../messages/messages-service.js';

const labelNames = z.array(z.string());

/** Who the bot's changes are attributed to in events (`by`). */
export const BOT_ACTOR = 'bot';

export interface EffectTarget {
  conversation: ConversationRow;
  readonly channel: ChannelRow;
  readonly contact: ContactRow;
  /** Set when a timer effect asks to be woken; the caller stores it with the session. */
  timer: { nodeId: string; at: number } | null;
}

/**
 * Carries out a turn's effects, in order, in the turn's unit of work: the messages, the
 * send jobs, the timer job, the assignment and the session commit together or not at all.
 */
export class BotEffects {
  constructor(
    private readonly context: ServiceContext,
    private readonly messages: MessagesService,
  ) {}

  async apply(unit: UnitOfWork, target: EffectTarget, effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) await this.#applyOne(unit, target, effect);
  }

  async #applyOne(unit: UnitOfWork, target: EffectTarget, effect: Effect): Promise<void> {
    const { conversation } = target;
    const known = { channel: target.channel, contact: target.contact };
    switch (effect.type) {
      case 'send':
        await this.messages.addOutbound(
          unit,
          conversation,
          { content: effect.content, senderType: 'bot' },
          known,
        );
        return;
      case 'timer':
        await this.context.queue.enqueue(
          'bot.timer',
          {
            accountId: conversation.account_id,
            conversationId: conversation.id,
            nodeId: effect.nodeId,
            at: effect.at,
          },
          {
            runAt: effect.at,
            accountId: conversation.account_id,
            // One job per wait: a retried turn (or a replayed event) cannot schedule twice.
            idempotencyKey: `bot.timer:${conversation.id}:${effect.nodeId}:${effect.at}`,
          },
          unit,
        );
        target.timer = { nodeId: effect.nodeId, at: effect.at };
        return;
      case 'handover':
        if (effect.message !== undefined && effect.message.trim() !== '') {
          await this.messages.addOutbound(
            unit,
            conversation,
            { content: { type: 'text', text: effect.message }, senderType: 'bot' },
            known,
          );
        }
        target.conversation = await this.#handOver(unit, conversation, effect);
        // Nobody to take it right now: say so; the conversation waits in the team's queue.
        if (
          target.conversation.assignee_user_id === null &&
          effect.unavailableMessage !== undefined &&
          effect.unavailableMessage.trim() !== ''
        ) {
          await this.messages.addOutbound(
            unit,
            target.conversation,
            { content: { type: 'text', text: effect.unavailableMessage }, senderType: 'bot' },
            known,
          );
        }
        return;
      case 'call':
        await this.context.queue.enqueue(
          'bot.call',
          {
            accountId: conversation.account_id,
            conversationId: conversation.id,
            nodeId: effect.nodeId,
            callId: effect.callId,
            call: effect.call,
            timeoutMs: effect.timeoutMs,
          },
          {
            accountId: conversation.account_id,
            idempotencyKey: `bot.call:${conversation.id}:${effect.callId}`,
          },
          unit,
        );
        return;
      case 'set_status':
        target.conversation = await this.#setStatus(unit, conversation, effect);
        return;
      case 'client_action': {
        // Carried out by the visitor's page: published once the turn commits, to the
        // widget sockets of this visitor (docs/decisions/0011-web-widget.md). A page that
        // is not open then does not run it later, on some other page: that is intended.
        if (target.channel.provider !== 'web') return;
        const payload = {
          channelId: target.channel.id,
          contactId: target.contact.id,
          action: { id: randomUUID(), type: effect.action.type, code: effect.action.code },
        };
        unit.afterCommit(() => {
          void this.context.bus.publish('widget.action', conversation.account_id, payload);
        });
        return;
      }
      case 'set_global_variable': {
        const settings = await readAccountSettings(unit.db, conversation.account_id);
        const value = effect.value;
        const stored =
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? value
            : JSON.stringify(value ?? null);
        const variables = { ...settings.variables, [effect.name]: stored };
        await writeAccountSettings(unit.db, conversation.account_id, { ...settings, variables });
        this.context.caches.changedOnCommit(unit, conversation.account_id, 'account_settings');
        return;
      }
      case 'set_contact_variable':
        await setVariablesInUnit(unit, conversation, [
          { name: effect.name, type: 'contact', value: effect.value },
        ]);
        return;
      case 'end':
        target.conversation = await this.release(unit, conversation);
        return;
      case 'error':
        // The engine ends the session after an error (an `end` effect follows): the
        // conversation goes back to the inbox; the flow's author reads the session log.
        this.context.logger.warn(
          { conversationId: conversation.id, code: effect.code, nodeId: effect.nodeId },
          `bot flow error: ${effect.message}`,
        );
        return;
    }
  }

  /** Marks the conversation as handled by the bot (status pending). */
  async claim(
    unit: UnitOfWork,
    conversation: ConversationRow,
    botId: number,
  ): Promise<ConversationRow> {
    if (conversation.assigned_to_bot === 1 && conversation.bot_id === botId) return conversation;
    const changes: Partial<ConversationRow> = {
      assigned_to_bot: 1,
      status: 'pending',
      bot_id: botId,
    };
    await this.#repository(unit, conversation).update(conversation.id, changes);
    return { ...conversation, ...changes };
  }

  /** The bot is done: the conversation is open for the agents again (unless it closed it). */
  async release(unit: UnitOfWork, conversation: ConversationRow): Promise<ConversationRow> {
    if (conversation.assigned_to_bot === 0 && conversation.status !== 'pending') {
      return conversation;
    }
    const changes: Partial<ConversationRow> = {
      assigned_to_bot: 0,
      status: conversation.status === 'closed' ? 'closed' : 'open',
    };
    await this.#repository(unit, conversation).update(conversation.id, changes);
    return { ...conversation, ...changes };
  }

  /** Send status: the conversation's status and labels, with their events. */
  async #setStatus(
    unit: UnitOfWork,
    conversation: ConversationRow,
    effect: Extract<Effect, { type: 'set_status' }>,
  ): Promise<ConversationRow> {
    let current = conversation;
    if (effect.status !== undefined && effect.status !== conversation.status) {
      const changes: Partial<ConversationRow> = {
        status: effect.status,
        closed_at: effect.status === 'closed' ? Date.now() : null,
        // Open hands the conversation to the inbox; closing ends the bot's part too.
        ...(effect.status === 'pending' ? {} : { assigned_to_bot: 0 }),
      };
      await this.#repository(unit, conversation).update(conversation.id, changes);
      current = { ...conversation, ...changes };
      await this.context.events.record(
        unit,
        conversation.account_id,
        conversation.id,
        'conversation.status_changed',
        {
          conversation: await conversationSnapshot(unit.db, this.context.caches, current),
          previousStatus: conversation.status,
          by: BOT_ACTOR,
        },
      );
    }
    if (effect.addLabels !== undefined || effect.removeLabels !== undefined) {
      const removed = new Set(effect.removeLabels ?? []);
      const existing = labelNames.catch([]).parse(JSON.parse(current.label_names || '[]'));
      const wanted = [...new Set([...existing, ...(effect.addLabels ?? [])])].filter(
        (name) => !removed.has(name),
      );
      const names = await setConversationLabels(unit, this.context, current, wanted);
      current = { ...current, label_names: JSON.stringify(names) };
    }
    return current;
  }

  async #handOver(
    unit: UnitOfWork,
    conversation: ConversationRow,
    effect: Extract<Effect, { type: 'handover' }>,
  ): Promise<ConversationRow> {
    const accountId = conversation.account_id;
    const team =
      effect.teamId === undefined
        ? undefined
        : await unit.db
            .selectFrom('teams')
            .select(['id', 'assignment_mode'])
            .where('account_id', '=', accountId)
            // A flow names its team by id or, portable across accounts (the demo bot), by name.
            .where((eb) =>
              /^\d+$/.test(String(effect.teamId))
                ? eb('id', '=', Number(effect.teamId))
                : eb('name', '=', String(effect.teamId)),
            )
            .executeTakeFirst();
    const user =
      effect.userId === undefined
        ? undefined
        : await unit.db
            .selectFrom('users')
            .select('id')
            .where('account_id', '=', accountId)
            .where('id', '=', Number(effect.userId))
            .executeTakeFirst();
    // A team or agent deleted since the flow was deployed leaves the conversation unassigned
    // (in the inbox) rather than failing the contact's turn.
    let userId = user?.id ?? null;
    if (userId === null && team?.assignment_mode === 'round_robin') {
      userId = await nextAgentInTeam(unit.db, this.context.dialect, accountId, team.id, Date.now());
    }
    const changes: Partial<ConversationRow> = {
      assigned_to_bot: 0,
      status: 'open',
      assignee_team_id: team?.id ?? null,
      assignee_user_id: userId,
    };
    await this.#repository(unit, conversation).update(conversation.id, changes);
    const updated = { ...conversation, ...changes };
    await this.context.events.record(
      unit,
      accountId,
      conversation.id,
      'conversation.assignee_changed',
      {
        conversation: await conversationSnapshot(unit.db, this.context.caches, updated),
        by: BOT_ACTOR,
      },
    );
    return updated;
  }

  #repository(unit: UnitOfWork, conversation: ConversationRow): ConversationsRepository {
    return new ConversationsRepository(unit.db, conversation.account_id);
  }
}
