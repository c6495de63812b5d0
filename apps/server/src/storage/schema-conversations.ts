import type { Generated, Selectable } from 'kysely';
import type { BotSessionsTable } from '../core/bots/bot-session-table.js';
import type { ChannelInboxDrainsTable, ChannelInboxTable } from '../channels/inbox-table.js';
import type { MediaTable } from '../core/media/media-table.js';

/** Tables of the live-chat core (migration 0002). Conventions as in schema.ts. */
export interface AccountSettingsTable {
  account_id: number;
  settings: string;
  updated_at: number;
}

export type ChannelType =
  'api' | 'sandbox' | 'web' | 'whatsapp' | 'sms' | 'telegram' | 'messenger' | 'instagram' | 'email';

export interface ChannelsTable {
  id: Generated<number>;
  account_id: number;
  type: ChannelType;
  /** Who carries the traffic: `sandbox`, `api`, later `whatsapp_cloud`, `twilio`, … */
  provider: string;
  name: string;
  enabled: number;
  phone_number: string | null;
  external_id: string | null;
  public_key: string;
  /** Non-secret settings (JSON). */
  config: string;
  /** Credentials, sealed with the master secret (JSON inside). */
  secrets: string | null;
  created_at: number;
  updated_at: number;
}

export interface ContactsTable {
  id: Generated<number>;
  account_id: number;
  key: string;
  external_key: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  variables: string;
  blocked: number;
  created_at: number;
  updated_at: number;
  last_activity_at: number | null;
}

export interface ContactIdentitiesTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  channel_id: number;
  external_id: string;
  created_at: number;
}

export type ConversationStatus = 'open' | 'pending' | 'closed';

export interface ConversationsTable {
  id: Generated<number>;
  account_id: number;
  public_id: string;
  contact_id: number;
  channel_id: number;
  status: ConversationStatus;
  assignee_user_id: number | null;
  assignee_team_id: number | null;
  assigned_to_bot: number;
  bot_id: number | null;
  title: string | null;
  variables: string;
  /** JSON array of label names, maintained with conversation_labels. */
  label_names: Generated<string>;
  unread_count: number;
  sla_policy_id: number | null;
  first_response_at: number | null;
  waiting_since: number | null;
  last_message_at: number;
  last_inbound_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}

export type MessageDirection = 'inbound' | 'outbound';
export type SenderType = 'contact' | 'bot' | 'user' | 'system';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessagesTable {
  id: Generated<number>;
  account_id: number;
  public_id: string;
  conversation_id: number;
  channel_id: number;
  direction: MessageDirection;
  sender_type: SenderType;
  sender_user_id: number | null;
  /** The canonical message content (JSON, @parley/protocol's MessageContent). */
  content: string;
  /** Plain text of the content, for search and previews. */
  text: string;
  status: MessageStatus;
  /** [{status, at, reason?}] in order (JSON). */
  status_history: string;
  failure_reason: string | null;
  provider_message_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface NotesTable {
  id: Generated<number>;
  account_id: number;
  conversation_id: number;
  user_id: number | null;
  body: string;
  created_at: number;
}

export interface LabelsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  color: string;
  created_at: number;
}

export interface ConversationLabelsTable {
  account_id: number;
  conversation_id: number;
  label_id: number;
  created_at: number;
}

export interface SavedRepliesTable {
  id: Generated<number>;
  account_id: number;
  short_code: string;
  content: string;
  created_at: number;
  updated_at: number;
}

export type TemplateStatus = 'approved' | 'pending' | 'rejected';

export interface TemplatesTable {
  id: Generated<number>;
  account_id: number;
  channel_id: number | null;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  components: string;
  created_at: number;
  updated_at: number;
}

export interface SlaPoliciesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  first_response_seconds: number | null;
  next_response_seconds: number | null;
  resolution_seconds: number | null;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export type SlaKind = 'first_response' | 'next_response' | 'resolution';

export interface SlaBreachesTable {
  id: Generated<number>;
  account_id: number;
  conversation_id: number;
  kind: SlaKind;
  due_at: number;
  breached_at: number;
}

export interface WebhooksTable {
  id: Generated<number>;
  account_id: number;
  url: string;
  /** The verification token, sealed. */
  token: string;
  /** Subscribed event keys (JSON array). */
  events: string;
  enabled: number;
  verified_at: number | null;
  created_at: number;
  updated_at: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  account_id: number;
  webhook_id: number;
  delivery_id: string;
  event_type: string;
  lane: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface AccountEventsTable {
  id: Generated<number>;
  account_id: number;
  type: string;
  conversation_id: number | null;
  payload: string;
  created_at: number;
}

export interface BotsTable {
  id: Generated<number>;
  account_id: number;
  title: string;
  type: Generated<'inbound' | 'outbound'>;
  /** WotNot channel names the bot answers on (JSON array: "WEB", "API", "WHATSAPP", …). */
  channel_types: Generated<string>;
  priority: Generated<number>;
  language: Generated<string>;
  owner_user_id: number | null;
  active: Generated<number>;
  bot_key: string;
  preview_key: string;
  /** The flow being edited (JSON). */
  draft_flow: string;
  deployed_version_id: number | null;
  last_deployed_at: number | null;
  /** Bumped by every change of `draft_flow`: the editor's optimistic-concurrency token. */
  draft_revision: Generated<number>;
  /** Soft deletion: a deleted bot is gone from every API but its versions stay. */
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface FlowVersionsTable {
  id: Generated<number>;
  account_id: number;
  bot_id: number;
  version: number;
  flow: string;
  created_by: number | null;
  /** The version a rollback copied this one from; null for an ordinary deploy. */
  restored_from: number | null;
  created_at: number;
}

export interface ConversationSchema {
  bots: BotsTable;
  flow_versions: FlowVersionsTable;
  bot_sessions: BotSessionsTable;
  channel_inbox: ChannelInboxTable;
  channel_inbox_drains: ChannelInboxDrainsTable;
  media: MediaTable;
  account_settings: AccountSettingsTable;
  channels: ChannelsTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  notes: NotesTable;
  labels: LabelsTable;
  conversation_labels: ConversationLabelsTable;
  saved_replies: SavedRepliesTable;
  templates: TemplatesTable;
  sla_policies: SlaPoliciesTable;
  sla_breaches: SlaBreachesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  account_events: AccountEventsTable;
}

export type ChannelRow = Selectable<ChannelsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type TemplateRow = Selectable<TemplatesTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type NoteRow = Selectable<NotesTable>;
export type LabelRow = Selectable<LabelsTable>;
export type SavedReplyRow = Selectable<SavedRepliesTable>;
export type SlaPolicyRow = Selectable<SlaPoliciesTable>;

export type BotRow = Selectable<BotsTable>;
export type FlowVersionRow = Selectable<FlowVersionsTable>;
