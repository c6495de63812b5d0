import type { MessagesService } from '../core/messages/messages-service.js';
import { isEventOf, type CommittingListener } from '../core/events/event-recorder.js';
import { ConversationsRepository } from '../storage/repositories/conversations-repository.js';

/**
 * "You are now chatting with Priya from Support": when an agent takes a web conversation,
 * the visitor is told who it is, as a system message in the same transaction as the
 * assignment (so it is in the history after a reload, and sent exactly once).
 */
export function agentJoinedListener(messages: MessagesService): CommittingListener {
  return async (unit, event) => {
    if (!isEventOf(event, 'conversation.assignee_changed')) return;
    const snapshot = event.data.conversation;
    const agent = snapshot.assignee.user;
    if (snapshot.channel.provider !== 'web' || agent === null) return;
    const conversation = await new ConversationsRepository(unit.db, event.accountId).findById(
      event.conversationId,
    );
    if (conversation === undefined) return;
    const name = agent.name ?? agent.email.split('@')[0] ?? 'an agent';
    const team = snapshot.assignee.team;
    const text = `You are now chatting with ${name}${team === null ? '' : ` from ${team.name}`}`;
    await messages.addOutbound(unit, conversation, {
      content: { type: 'system', text },
      senderType: 'system',
    });
  };
}
