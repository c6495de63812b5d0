import type { MessageContent } from '@parley/protocol';
import type { InboundEvent } from '../adapter.js';
import { describeTwilioError } from './errors.js';
import type { FormParams } from './signature.js';

/**
 * Twilio's form-encoded webhooks as canonical events. One URL receives both:
 * - incoming messages (`MessageSid`, `From`, `To`, `Body`, `NumMedia`/`MediaUrlN`/
 *   `MediaContentTypeN`, WhatsApp's `ProfileName`, `ButtonPayload`/`ButtonText`,
 *   `ListId`/`ListTitle`, `Latitude`/`Longitude`/`Address`/`Label`), `SmsStatus=received`;
 * - status callbacks of messages Parley sent (`MessageSid`, `MessageStatus`, `ErrorCode`).
 * Twilio reports queued/sending/sent/delivered/undelivered/failed (and read on WhatsApp);
 * the intermediate ones (accepted, queued, sending, scheduled) are not Parley statuses.
 */

const STATUSES: Readonly<Record<string, 'sent' | 'delivered' | 'read' | 'failed'>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** The number without WhatsApp's `whatsapp:` prefix: contacts are keyed by E.164. */
export function bareNumber(address: string): string {
  return address.replace(/^whatsapp:/i, '');
}

function reader(params: FormParams) {
  const values = new Map<string, string>();
  // First value wins: Twilio sends each of these once.
  for (const [name, value] of params) if (!values.has(name)) values.set(name, value);
  return (name: string): string | undefined => {
    const value = values.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
}

type Kind = Extract<MessageContent, { type: 'media' }>['kind'];

function kindOf(mime: string | undefined): Kind {
  if (mime === undefined) return 'document';
  if (mime.startsWith('image/')) return mime === 'image/webp' ? 'sticker' : 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return mime.includes('ogg') ? 'voice' : 'audio';
  return 'document';
}

/** The contents of one incoming message: its media (one each), then its text. */
function contentsOf(get: (name: string) => string | undefined): MessageContent[] {
  const body = get('Body');
  const payload = get('ButtonPayload') ?? get('ListId');
  if (payload !== undefined) {
    // A tap on a WhatsApp quick-reply button or list row (Content API templates).
    return [
      {
        type: 'reply',
        replyTo: payload,
        title: get('ButtonText') ?? get('ListTitle') ?? body ?? '',
      },
    ];
  }
  const latitude = Number(get('Latitude'));
  const longitude = Number(get('Longitude'));
  if (get('Latitude') !== undefined && Number.isFinite(latitude) && Number.isFinite(longitude)) {
    const name = get('Label');
    const address = get('Address');
    return [
      {
        type: 'location',
        latitude,
        longitude,
        ...(name === undefined ? {} : { name }),
        ...(address === undefined ? {} : { address }),
      },
    ];
  }
  const contents: MessageContent[] = [];
  const count = Math.min(Number(get('NumMedia') ?? '0') || 0, 10);
  for (let i = 0; i < count; i++) {
    const url = get(`MediaUrl${String(i)}`);
    if (url === undefined) continue;
    const mime = get(`MediaContentType${String(i)}`);
    // The caption goes with the first medium only; the media URL is also its id for
    // fetchMedia, which adds the account's credentials.
    const caption = i === 0 ? body : undefined;
    contents.push({
      type: 'media',
      kind: kindOf(mime),
      media: { url, mediaId: url, ...(mime === undefined ? {} : { mime }) },
      ...(caption === undefined ? {} : { caption: caption.slice(0, 1_024) }),
    });
  }
  if (contents.length > 0) {
    return body !== undefined && body.length > 1_024
      ? [...contents, { type: 'text', text: body.slice(0, 4_096) }]
      : contents;
  }
  return body === undefined ? [] : [{ type: 'text', text: body.slice(0, 4_096) }];
}

export function parseTwilioInbound(params: FormParams): InboundEvent[] {
  const get = reader(params);
  const sid = get('MessageSid') ?? get('SmsMessageSid') ?? get('SmsSid');
  if (sid === undefined) return [];
  const messageStatus = get('MessageStatus');
  if (messageStatus !== undefined && messageStatus !== 'received') {
    const status = STATUSES[messageStatus];
    if (status === undefined) return [];
    const code = get('ErrorCode');
    const reason =
      status === 'failed'
        ? describeTwilioError(code === undefined ? undefined : Number(code), get('ErrorMessage'))
        : undefined;
    return [
      {
        kind: 'status',
        providerMessageId: sid,
        status,
        ...(reason === undefined ? {} : { reason }),
      },
    ];
  }
  const from = get('From');
  if (from === undefined) return [];
  const phone = bareNumber(from);
  const contact = { externalId: phone, phone, name: get('ProfileName') ?? null };
  const contents = contentsOf(get);
  // Several media in one MMS become one message each: the first keeps Twilio's id (so a
  // redelivery is recognised), the others derive theirs from it.
  return contents.map((content, i) => ({
    kind: 'message',
    contact,
    content,
    providerMessageId: i === 0 ? sid : `${sid}:${String(i)}`,
  }));
}
