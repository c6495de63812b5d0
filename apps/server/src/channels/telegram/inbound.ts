import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import type { InboundEvent } from '../adapter.js';

/**
 * Telegram Update objects as canonical events. Handled: `message` (text, photo, document,
 * animation, video, video_note, voice, audio, sticker, location, venue, contact) and
 * `callback_query` (an inline-keyboard tap: a `reply` to the button whose
 * `callback_data` it carries). Ignored on purpose: `edited_message` (the original was
 * already answered), channel posts, and every other update kind. Telegram has no delivery
 * statuses for bots, so nothing here is a status.
 */

const user = z.object({
  id: z.number(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
const chat = z.object({
  id: z.number(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  title: z.string().optional(),
});
const file = z.object({
  file_id: z.string(),
  file_size: z.number().optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
const keyboardButton = z.object({ text: z.string(), callback_data: z.string().optional() });
const message = z.object({
  message_id: z.number(),
  from: user.optional(),
  chat,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(file).optional(),
  document: file.optional(),
  animation: file.optional(),
  video: file.optional(),
  video_note: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
  sticker: file.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  venue: z
    .object({
      location: z.object({ latitude: z.number(), longitude: z.number() }),
      title: z.string(),
      address: z.string(),
    })
    .optional(),
  contact: z
    .object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() })
    .optional(),
  reply_markup: z
    .object({ inline_keyboard: z.array(z.array(keyboardButton)).optional() })
    .optional(),
});
const update = z.object({
  update_id: z.number(),
  message: message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      // Absent (or "inaccessible") for old messages: the sender's private chat is theirs.
      message: message.optional().catch(undefined),
      data: z.string().optional(),
    })
    .optional(),
});

type TelegramMessage = z.infer<typeof message>;
type File = z.infer<typeof file>;

/** The callback_query id of an update, if it is one (answered in the webhook response). */
export function callbackQueryId(body: Buffer): string | undefined {
  const parsed = update.safeParse(parseJson(body));
  return parsed.success ? parsed.data.callback_query?.id : undefined;
}

function personName(person: { first_name?: string | undefined; last_name?: string | undefined }) {
  const name = [person.first_name, person.last_name].filter((part) => part !== undefined).join(' ');
  return name === '' ? null : name;
}

function media(
  kind: Extract<MessageContent, { type: 'media' }>['kind'],
  item: File,
  caption: string | undefined,
  fallbackMime: string,
): MessageContent {
  return {
    type: 'media',
    kind,
    // Telegram files are fetched by file_id (getFile); there is no public URL.
    media: {
      mediaId: item.file_id,
      mime: item.mime_type ?? fallbackMime,
      ...(item.file_size === undefined ? {} : { size: item.file_size }),
      ...(item.file_name === undefined ? {} : { filename: item.file_name }),
    },
    ...(caption === undefined ? {} : { caption: caption.slice(0, 1_024) }),
  };
}

function contentOf(m: TelegramMessage): MessageContent | undefined {
  const caption = m.caption;
  // The largest size of a photo is the last one.
  const photo = m.photo?.at(-1);
  if (photo !== undefined) return media('image', photo, caption, 'image/jpeg');
  // An animation also carries a `document`: it is shown (and kept) as the video it is.
  if (m.animation !== undefined) return media('video', m.animation, caption, 'video/mp4');
  if (m.document !== undefined)
    return media('document', m.document, caption, 'application/octet-stream');
  if (m.video !== undefined) return media('video', m.video, caption, 'video/mp4');
  if (m.video_note !== undefined) return media('video', m.video_note, caption, 'video/mp4');
  if (m.voice !== undefined) return media('voice', m.voice, caption, 'audio/ogg');
  if (m.audio !== undefined) return media('audio', m.audio, caption, 'audio/mpeg');
  if (m.sticker !== undefined) return media('sticker', m.sticker, undefined, 'image/webp');
  if (m.venue !== undefined) {
    const { location, title, address } = m.venue;
    return { type: 'location', ...location, name: title, address };
  }
  if (m.location !== undefined) return { type: 'location', ...m.location };
  if (m.contact !== undefined) {
    const name = personName(m.contact) ?? m.contact.phone_number;
    return { type: 'contacts', contacts: [{ name, phones: [m.contact.phone_number], emails: [] }] };
  }
  if (m.text !== undefined && m.text !== '') return { type: 'text', text: m.text.slice(0, 4_096) };
  return undefined;
}

/** The title of the inline button that carried `data`, from the message it was under. */
function buttonTitle(m: TelegramMessage | undefined, data: string): string | undefined {
  return m?.reply_markup?.inline_keyboard?.flat().find((button) => button.callback_data === data)
    ?.text;
}

export function parseTelegramUpdate(body: Buffer): InboundEvent[] {
  const parsed = update.safeParse(parseJson(body));
  if (!parsed.success) return [];
  const { message: m, callback_query: query } = parsed.data;
  if (m !== undefined) {
    const content = contentOf(m);
    if (content === undefined) return [];
    const sender = m.from ?? m.chat;
    return [
      {
        kind: 'message',
        contact: {
          externalId: String(m.chat.id),
          name: personName(sender) ?? m.chat.title ?? null,
        },
        content,
        // Message ids are unique per chat only.
        providerMessageId: `${String(m.chat.id)}:${String(m.message_id)}`,
      },
    ];
  }
  if (query?.data !== undefined) {
    const chatId = query.message?.chat.id ?? query.from.id;
    return [
      {
        kind: 'message',
        contact: { externalId: String(chatId), name: personName(query.from) },
        content: {
          type: 'reply',
          replyTo: query.data,
          title: buttonTitle(query.message, query.data) ?? query.data,
        },
        providerMessageId: `callback:${query.id}`,
      },
    ];
  }
  return [];
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
