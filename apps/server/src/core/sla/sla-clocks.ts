import type { ConversationRow, SlaKind, SlaPolicyRow } from '../../storage/schema-conversations.js';

/**
 * SLA clocks as pure rules, so the timer that fires later asks exactly the question that
 * set it. A clock is *running* while its condition holds; it is *due* at a fixed instant.
 *
 * - first_response: from the conversation's start until an agent first replies;
 * - next_response: from the moment the contact is left waiting (after a first reply) until
 *   the next agent reply;
 * - resolution: from the start until the conversation is closed.
 */
export function dueAt(
  kind: SlaKind,
  conversation: ConversationRow,
  policy: SlaPolicyRow,
): number | null {
  switch (kind) {
    case 'first_response':
      return policy.first_response_seconds === null
        ? null
        : conversation.created_at + policy.first_response_seconds * 1_000;
    case 'next_response':
      return policy.next_response_seconds === null ||
        conversation.waiting_since === null ||
        conversation.first_response_at === null
        ? null
        : conversation.waiting_since + policy.next_response_seconds * 1_000;
    case 'resolution':
      return policy.resolution_seconds === null
        ? null
        : conversation.created_at + policy.resolution_seconds * 1_000;
  }
}

export function isRunning(kind: SlaKind, conversation: ConversationRow): boolean {
  switch (kind) {
    case 'first_response':
      return conversation.first_response_at === null && conversation.status !== 'closed';
    case 'next_response':
      return (
        conversation.waiting_since !== null &&
        conversation.first_response_at !== null &&
        conversation.status !== 'closed'
      );
    case 'resolution':
      return conversation.status !== 'closed';
  }
}

/** Whether the clock that was set for `due` has run out on this conversation as it is now. */
export function isBreached(
  kind: SlaKind,
  conversation: ConversationRow,
  policy: SlaPolicyRow,
  due: number,
  now: number,
): boolean {
  return isRunning(kind, conversation) && dueAt(kind, conversation, policy) === due && now >= due;
}
