import type { MessageContent, StatusChange } from '@parley/protocol';

/**
 * What conversation events carry: snapshots taken in the recording transaction, so a
 * webhook delivered an hour later says what was true when it happened, and realtime
 * clients can render without asking again. Webhook and realtime mappers read these only.
 */
export interface ConversationSnapshot {
  /** Public id (`12wfegrgt4t`-like). */
  readonly id: string;
  readonly internalId: number;
  readonly status: 'open' | 'pending' | 'closed';
  readonly title: string | null;
  readonly channel: {
    readonly id: number;
    readonly type: string;
    readonly name: string;
    readonly provider: string;
  };
  readonly contact: {
    readonly id: number;
    readonly key: string;
    readonly externalKey: string | null;
    readonly name: string | null;
    readonly email: string | null;
    readonly phone: string | null;
  };
  readonly assignee: {
    readonly user: {
      readonly id: number;
      readonly email: string;
      readonly name: string | null;
    } | null;
    readonly team: { readonly id: number; readonly name: string } | null;
    readonly bot: boolean;
  };
  readonly botId: number | null;
  readonly slaPolicyId: number | null;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly labels: readonly string[];
  readonly createdAt: number;
  readonly closedAt: number | null;
}

export interface MessageSnapshot {
  /** Public id. */
  readonly id: string;
  /** Internal id: orders a conversation's messages (the widget's resume cursor). */
  readonly seq: number;
  readonly direction: 'inbound' | 'outbound';
  readonly sender: {
    readonly type: 'contact' | 'bot' | 'user' | 'system';
    readonly userId: number | null;
    readonly email: string | null;
    /** The agent's name (users' first and last name), when a user sent it. */
    readonly name: string | null;
  };
  readonly content: MessageContent;
  readonly text: string;
  readonly status: StatusChange['status'];
  readonly statusHistory: readonly StatusChange[];
  readonly failureReason: string | null;
  readonly providerMessageId: string | null;
  readonly createdAt: number;
}

/** The `data` of each conversation event type. */
export interface ConversationEventData {
  'conversation.created': { conversation: ConversationSnapshot; isNewContact: boolean };
  'conversation.status_changed': {
    conversation: ConversationSnapshot;
    previousStatus: string;
    by: string | null;
  };
  'conversation.assignee_changed': { conversation: ConversationSnapshot; by: string | null };
  'conversation.variables_changed': {
    conversation: ConversationSnapshot;
    changed: { name: string; type: 'conversation' | 'contact'; value: unknown }[];
  };
  'conversation.labels_changed': {
    conversation: ConversationSnapshot;
    added: string[];
    removed: string[];
  };
  'message.created': { conversation: ConversationSnapshot; message: MessageSnapshot };
  'message.status_changed': { conversation: ConversationSnapshot; message: MessageSnapshot };
  'note.created': {
    conversation: ConversationSnapshot;
    note: { id: number; body: string; userId: number | null; createdAt: number };
  };
  'sla.breached': { conversation: ConversationSnapshot; kind: string; dueAt: number };
}
