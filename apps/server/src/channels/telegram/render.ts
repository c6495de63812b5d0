import type { Button, MessageContent } from '@parley/protocol';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { joinBlocks, linkLine, plainText } from '../twilio/plain-text.js';

/**
 * Canonical content as Bot API calls (without `chat_id`, which the adapter adds).
 * Reply buttons, quick replies and list rows become inline keyboards (one button a row)
 * whose `callback_data` is the button id; url buttons become url buttons. Telegram has
 * no call buttons (only http(s)/tg links are allowed), so phone numbers are written in
 * the text. A carousel is one photo (or text) message per card with its buttons; media
 * go by URL or by a Telegram file_id. Templates do not exist on Telegram; everything
 * else falls back to text (plain-text.ts).
 */

export interface TelegramCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

const MAX_TEXT = 4_096;
const MAX_CAPTION = 1_024;
/** Telegram's limit on callback_data, in bytes. */
const MAX_CALLBACK_BYTES = 64;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The callback_data of a reply choice: its id, or, when the id is too long for Telegram,
 * its 1-based position, which the flow engine also accepts as the answer.
 */
function callbackData(id: string, position: number): string {
  return Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_BYTES ? id : String(position);
}

function keyboard(rows: readonly InlineButton[]): Record<string, unknown> {
  return rows.length === 0 ? {} : { reply_markup: { inline_keyboard: rows.map((b) => [b]) } };
}

/** Inline buttons for canonical buttons; `first` is the position of the first reply. */
function inlineButtons(buttons: readonly Button[], first: number): InlineButton[] {
  let position = first;
  return buttons.flatMap((button): InlineButton[] => {
    if (button.type === 'reply') {
      const data = callbackData(button.id, position);
      position += 1;
      return [{ text: button.title, callback_data: data }];
    }
    return button.type === 'url' ? [{ text: button.title, url: button.url }] : [];
  });
}

function callLines(buttons: readonly Button[]): string {
  return buttons
    .filter((button) => button.type === 'call')
    .flatMap((button) => linkLine(button) ?? [])
    .join('\n');
}

function textMessage(text: string, extra: Record<string, unknown> = {}): TelegramCall {
  return { method: 'sendMessage', params: { text: clip(text, MAX_TEXT), ...extra } };
}

const MEDIA_METHODS = {
  image: ['sendPhoto', 'photo'],
  video: ['sendVideo', 'video'],
  audio: ['sendAudio', 'audio'],
  voice: ['sendVoice', 'voice'],
  document: ['sendDocument', 'document'],
  sticker: ['sendSticker', 'sticker'],
} as const;

export function renderTelegram(content: MessageContent): TelegramCall[] {
  switch (content.type) {
    case 'media': {
      const [method, field] = MEDIA_METHODS[content.kind];
      const source = content.media.url ?? content.media.mediaId;
      const caption = content.kind === 'sticker' ? undefined : content.caption;
      return [
        {
          method,
          params: {
            [field]: source,
            ...(caption === undefined ? {} : { caption: clip(caption, MAX_CAPTION) }),
          },
        },
      ];
    }
    case 'location': {
      const { latitude, longitude, name, address } = content;
      return name !== undefined && address !== undefined
        ? [{ method: 'sendVenue', params: { latitude, longitude, title: name, address } }]
        : [{ method: 'sendLocation', params: { latitude, longitude } }];
    }
    case 'contacts': {
      const cards = content.contacts.flatMap((contact) => {
        const [phone] = contact.phones;
        return phone === undefined
          ? []
          : [{ method: 'sendContact', params: { phone_number: phone, first_name: contact.name } }];
      });
      const rest = content.contacts.filter((contact) => contact.phones.length === 0);
      return rest.length === 0
        ? cards
        : [...cards, textMessage(plainText({ type: 'contacts', contacts: rest }))];
    }
    case 'buttons':
      return [
        textMessage(
          joinBlocks([content.text, callLines(content.buttons)]),
          keyboard(inlineButtons(content.buttons, 1)),
        ),
      ];
    case 'quick_replies':
      return [
        textMessage(
          content.text,
          keyboard(
            content.replies.map((reply, i) => ({
              text: reply.title,
              callback_data: callbackData(reply.id, i + 1),
            })),
          ),
        ),
      ];
    case 'list': {
      const rows = content.sections.flatMap((section) => section.rows);
      const described = rows
        .filter((row) => row.description !== undefined && row.description !== '')
        .map((row) => `${row.title} — ${row.description ?? ''}`);
      return [
        textMessage(
          joinBlocks([content.text, described.join('\n')]),
          keyboard(
            rows.map((row, i) => ({ text: row.title, callback_data: callbackData(row.id, i + 1) })),
          ),
        ),
      ];
    }
    case 'carousel': {
      let first = 1;
      return content.cards.map((card) => {
        const caption = joinBlocks([
          [card.title, card.subtitle].filter((part) => part !== undefined).join('\n'),
          callLines(card.buttons),
        ]);
        const markup = keyboard(inlineButtons(card.buttons, first));
        first += card.buttons.filter((button) => button.type === 'reply').length;
        return card.imageUrl === undefined
          ? textMessage(caption, markup)
          : {
              method: 'sendPhoto',
              params: { photo: card.imageUrl, caption: clip(caption, MAX_CAPTION), ...markup },
            };
      });
    }
    case 'whatsapp_flow':
      return content.fallbackUrl === undefined
        ? [textMessage(content.text)]
        : [textMessage(content.text, keyboard([{ text: content.cta, url: content.fallbackUrl }]))];
    case 'template':
      throw new ChannelSendError(
        `Telegram has no message templates: "${content.name}" cannot be sent; send text instead.`,
        false,
      );
    default:
      return [textMessage(plainText(content))];
  }
}
