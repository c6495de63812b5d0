import { messageContentSchema, type MessageContent } from '@parley/protocol';
import type { InboundEvent } from '../adapter.js';
import type { GraphAttachment, MessagingEvent } from './graph-webhook.js';
import type { RecentSends } from './recent-sends.js';

/** Where the events come from, for the watermark statuses (see RecentSends). */
export interface InboundScope {
  readonly channelId: number;
  readonly recentSends: RecentSends;
}

/**
 * Canonical events of Messenger / Instagram messaging items. The contact's external id is
 * the page-scoped id (PSID) or Instagram-scoped id (IGSID) in `sender.id`; webhooks carry
 * no name (fetching the profile is a separate Graph call, not made here).
 */
export function inboundEventsOf(events: readonly MessagingEvent[], scope: InboundScope) {
  const out: InboundEvent[] = [];
  for (const event of events) out.push(...eventsOfOne(event, scope));
  return out;
}

function eventsOfOne(event: MessagingEvent, scope: InboundScope): InboundEvent[] {
  const contact = { externalId: event.sender.id };
  const { message, postback, delivery, read } = event;
  if (message !== undefined) {
    // Echoes are the page's own messages (Parley's, or typed in Meta's inbox); deleted and
    // unsupported messages have nothing to show.
    if (message.is_echo === true || message.is_deleted === true) return [];
    if (message.is_unsupported === true) return [];
    const replyTo = message.reply_to?.mid ?? null;
    const contents: MessageContent[] = [];
    if (message.quick_reply !== undefined) {
      contents.push(reply(message.quick_reply.payload, message.text ?? ''));
    } else if (message.text !== undefined && message.text !== '') {
      contents.push(textContent(message.text));
    }
    for (const attachment of message.attachments ?? [])
      contents.push(attachmentContent(attachment));
    // One provider message may become several canonical ones; each gets a stable id so a
    // redelivery is still recognised.
    return contents.map((content, index) => ({
      kind: 'message' as const,
      contact,
      content,
      providerMessageId: index === 0 ? message.mid : `${message.mid}#${String(index + 1)}`,
      replyToProviderId: replyTo,
    }));
  }
  if (postback !== undefined) {
    return [
      {
        kind: 'message',
        contact,
        content: reply(postback.payload, postback.title ?? postback.payload),
        // Older postbacks carry no mid: sender and time identify a redelivery.
        providerMessageId:
          postback.mid ?? `postback:${event.sender.id}:${String(event.timestamp ?? 0)}`,
      },
    ];
  }
  if (delivery !== undefined) {
    const mids =
      delivery.mids ??
      scope.recentSends.upTo(scope.channelId, event.sender.id, delivery.watermark, false);
    return mids.map((mid) => ({ kind: 'status', providerMessageId: mid, status: 'delivered' }));
  }
  if (read !== undefined) {
    // Instagram names the message read; Messenger gives a watermark: everything sent to
    // this person before it was read. Only sends this process remembers can be resolved.
    const mids =
      read.mid !== undefined
        ? [read.mid]
        : read.watermark !== undefined
          ? scope.recentSends.upTo(scope.channelId, event.sender.id, read.watermark, true)
          : [];
    return mids.map((mid) => ({ kind: 'status', providerMessageId: mid, status: 'read' }));
  }
  return [];
}

const MAX_TEXT = 4_096;

function textContent(text: string): MessageContent {
  return { type: 'text', text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text };
}

/** A quick reply or postback: the payload Parley put on the button comes back as `replyTo`. */
function reply(payload: string, title: string): MessageContent {
  const replyTo = payload.slice(0, 256);
  if (replyTo === '') return textContent(title === '' ? '(empty reply)' : title);
  return { type: 'reply', replyTo, title: title.slice(0, 256) };
}

const MEDIA_KINDS = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
} as const;

/**
 * Attachments with a URL (lookaside CDN links: they expire, so a consumer wanting the file
 * downloads it soon through fetchMedia). Stickers are images with a sticker id; shares,
 * story mentions and reels become a text line with their link; a shared location becomes
 * a location. Whatever fails the canonical schema (an over-long URL) degrades to text.
 */
function attachmentContent(attachment: GraphAttachment): MessageContent {
  const url = attachment.payload?.url;
  const type = attachment.type;
  if (type === 'location' && attachment.payload?.coordinates !== undefined) {
    const { lat, long } = attachment.payload.coordinates;
    const location = messageContentSchema.safeParse({
      type: 'location',
      latitude: lat,
      longitude: long,
      ...(attachment.payload.title === undefined ? {} : { name: attachment.payload.title }),
    });
    if (location.success) return location.data;
  }
  const kind =
    type === 'image' && attachment.payload?.sticker_id !== undefined
      ? 'sticker'
      : type === 'image' || type === 'video' || type === 'audio' || type === 'file'
        ? MEDIA_KINDS[type]
        : undefined;
  if (kind !== undefined && url !== undefined) {
    const media = messageContentSchema.safeParse({ type: 'media', kind, media: { url } });
    if (media.success) return media.data;
  }
  return textContent(`[${type}]${url === undefined ? '' : ` ${url}`}`);
}
