import type { MessageContent } from '@parley/protocol';
import type { InboundEvent } from '../adapter.js';
import {
  waContact,
  waEnvelope,
  waMessage,
  waStatus,
  waValue,
  type WaMessage,
  type WaStatus,
  type WaValue,
} from './inbound-schema.js';

export interface WebhookRouting {
  /** The channel's phone number id (`channels.external_id`). */
  readonly phoneNumberId: string | null;
  /**
   * Cloud API: a change for another number (one app, several numbers) is not this
   * channel's, and without a configured id nothing is. 360dialog: its key is per number,
   * so the id is only compared when both sides have one.
   */
  readonly strict: boolean;
}

/** A WhatsApp webhook body (Cloud envelope or on-premise) as canonical events. */
export function parseWhatsAppWebhook(body: Buffer, routing: WebhookRouting): InboundEvent[] {
  const json = safeJson(body.toString('utf8'));
  const envelope = waEnvelope.safeParse(json);
  const values: WaValue[] = [];
  if (envelope.success) {
    for (const entry of envelope.data.entry) {
      for (const change of entry.changes) {
        // Other subscriptions (template status, account updates) carry no messages.
        if (change.field !== undefined && change.field !== 'messages') continue;
        const value = waValue.safeParse(change.value);
        if (value.success && routes(value.data, routing)) values.push(value.data);
      }
    }
  } else {
    const value = waValue.safeParse(json);
    if (value.success && routes(value.data, routing)) values.push(value.data);
  }
  return values.flatMap(valueEvents);
}

function routes(value: WaValue, routing: WebhookRouting): boolean {
  const incoming = value.metadata?.phone_number_id;
  if (routing.strict) return incoming !== undefined && incoming === routing.phoneNumberId;
  return (
    incoming === undefined || routing.phoneNumberId === null || incoming === routing.phoneNumberId
  );
}

function valueEvents(value: WaValue): InboundEvent[] {
  const names = new Map<string, string>();
  for (const raw of value.contacts ?? []) {
    const contact = waContact.safeParse(raw);
    const name = contact.success ? contact.data.profile?.name : undefined;
    if (contact.success && name !== undefined && name !== '') names.set(contact.data.wa_id, name);
  }
  const events: InboundEvent[] = [];
  for (const raw of value.messages ?? []) {
    const message = waMessage.safeParse(raw);
    if (!message.success) continue;
    const content = messageContent(message.data);
    if (content === null) continue;
    const waId = message.data.from;
    events.push({
      kind: 'message',
      contact: { externalId: waId, name: names.get(waId) ?? null, phone: `+${waId}` },
      content,
      providerMessageId: message.data.id,
      replyToProviderId: message.data.context?.id ?? null,
    });
  }
  for (const raw of value.statuses ?? []) {
    const status = waStatus.safeParse(raw);
    const event = status.success ? statusEvent(status.data) : null;
    if (event !== null) events.push(event);
  }
  return events;
}

const MEDIA_KINDS = ['image', 'video', 'audio', 'voice', 'document', 'sticker'] as const;

/** A message's canonical content; null for what Parley does not take in (see docs). */
export function messageContent(message: WaMessage): MessageContent | null {
  switch (message.type) {
    case 'text':
      return nonEmptyText(message.text?.body);
    case 'location':
      return message.location === undefined
        ? null
        : {
            type: 'location',
            latitude: message.location.latitude,
            longitude: message.location.longitude,
            ...optional('name', message.location.name),
            ...optional('address', message.location.address),
          };
    case 'contacts':
      return contactsContent(message);
    case 'interactive':
      return interactiveContent(message);
    case 'button':
      return message.button === undefined ? null : buttonContent(message.button);
    case 'order':
      return orderContent(message);
    default:
      return mediaContent(message);
  }
}

/** A template's quick reply: its payload names the choice (the text when it has none). */
function buttonContent(button: { text: string; payload?: string | undefined }): MessageContent {
  const payload =
    button.payload === undefined || button.payload === '' ? button.text : button.payload;
  return { type: 'reply', replyTo: clip(payload, 256), title: clip(button.text, 256) };
}

function mediaContent(message: WaMessage): MessageContent | null {
  const kind = MEDIA_KINDS.find((candidate) => candidate === message.type);
  const media = kind === undefined ? undefined : message[kind];
  if (kind === undefined || media === undefined) return null;
  return {
    type: 'media',
    kind: kind === 'audio' && media.voice === true ? 'voice' : kind,
    media: {
      mediaId: media.id,
      ...optional('mime', media.mime_type),
      ...optional('filename', media.filename === undefined ? undefined : clip(media.filename, 255)),
    },
    ...optional('caption', media.caption === undefined ? undefined : clip(media.caption, 1_024)),
  };
}

function contactsContent(message: WaMessage): MessageContent | null {
  const contacts = (message.contacts ?? []).map((card) => {
    const name =
      card.name?.formatted_name ??
      [card.name?.first_name, card.name?.last_name].filter((part) => part !== undefined).join(' ');
    return {
      name: clip(name === '' ? 'Contact' : name, 256),
      phones: (card.phones ?? []).flatMap((phone) => phone.phone ?? []),
      emails: (card.emails ?? []).flatMap((email) => email.email ?? []),
    };
  });
  return contacts.length === 0 ? null : { type: 'contacts', contacts };
}

function interactiveContent(message: WaMessage): MessageContent | null {
  const interactive = message.interactive;
  const choice = interactive?.button_reply ?? interactive?.list_reply;
  if (choice !== undefined) {
    return { type: 'reply', replyTo: clip(choice.id, 256), title: clip(choice.title, 256) };
  }
  const flow = interactive?.nfm_reply;
  if (flow === undefined) return null;
  // The flow's answers, flattened to strings as form submissions are.
  const answers = safeJson(flow.response_json);
  const values: Record<string, string> = {};
  if (typeof answers === 'object' && answers !== null) {
    for (const [key, value] of Object.entries(answers)) {
      values[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  const token = values.flow_token;
  return {
    type: 'reply',
    replyTo: clip(token ?? flow.name ?? 'flow', 256),
    title: clip(flow.body ?? 'Sent', 256),
    values,
  };
}

/** A cart sent from a catalogue: kept as text so an agent sees what was ordered. */
function orderContent(message: WaMessage): MessageContent | null {
  const order = message.order;
  if (order === undefined) return null;
  const items = order.product_items.map(
    (item) => `${String(item.quantity ?? 1)} × ${item.product_retailer_id}`,
  );
  return nonEmptyText([`Order: ${items.join(', ')}`, order.text].filter(Boolean).join('\n'));
}

function statusEvent(status: WaStatus): InboundEvent | null {
  // "deleted" and "warning" change nothing Parley tracks.
  if (
    status.status !== 'sent' &&
    status.status !== 'delivered' &&
    status.status !== 'read' &&
    status.status !== 'failed'
  ) {
    return null;
  }
  const error = status.errors?.[0];
  const details = error?.error_data?.details ?? error?.details;
  const reason =
    error === undefined
      ? undefined
      : `${error.title ?? error.message ?? 'Failed'}${error.code === undefined ? '' : ` (${String(error.code)})`}${details === undefined ? '' : `: ${details}`}`;
  return {
    kind: 'status',
    providerMessageId: status.id,
    status: status.status,
    ...(status.status === 'failed' ? { reason: reason ?? 'Failed' } : {}),
  };
}

function nonEmptyText(text: string | undefined): MessageContent | null {
  return text === undefined || text.trim() === ''
    ? null
    : { type: 'text', text: clip(text, 4_096) };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  if (value === undefined || value === '') return {};
  const entry: Partial<Record<K, string>> = {};
  entry[key] = value;
  return entry;
}

/** Provider fields can be longer than the canonical model allows: cut, never refuse. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
