import { contentToText, type Button, type MessageContent } from '@parley/protocol';

/**
 * Canonical content → the `message` objects of Meta's Send API, in the order they are
 * sent. Most content is one request; long text is split, and a media caption follows its
 * attachment (attachments have no caption on Messenger or Instagram). Limits are Meta's:
 * text 2,000 characters (Instagram 1,000), button-template text 640, button and
 * quick-reply titles 20, 13 quick replies, 3 buttons, 10 generic-template cards with
 * titles and subtitles of 80. Fallbacks are documented in docs/channels/messenger.md.
 */

export type GraphVariant = 'messenger' | 'instagram';

export type GraphButton =
  | { readonly type: 'postback'; readonly title: string; readonly payload: string }
  | { readonly type: 'web_url'; readonly title: string; readonly url: string }
  | { readonly type: 'phone_number'; readonly title: string; readonly payload: string };

export interface GraphQuickReply {
  readonly content_type: 'text';
  readonly title: string;
  readonly payload: string;
}

export interface GraphElement {
  readonly title: string;
  readonly subtitle?: string;
  readonly image_url?: string;
  readonly buttons?: readonly GraphButton[];
}

export type GraphMessage =
  | { readonly text: string; readonly quick_replies?: readonly GraphQuickReply[] }
  | {
      readonly attachment: {
        readonly type: 'image' | 'video' | 'audio' | 'file';
        readonly payload:
          { readonly url: string; readonly is_reusable: true } | { readonly attachment_id: string };
      };
    }
  | {
      readonly attachment: {
        readonly type: 'template';
        readonly payload:
          | {
              readonly template_type: 'button';
              readonly text: string;
              readonly buttons: readonly GraphButton[];
            }
          | { readonly template_type: 'generic'; readonly elements: readonly GraphElement[] };
      };
    };

const TEMPLATE_TEXT = 640;
const TITLE = 20;
const QUICK_REPLIES = 13;
const BUTTONS = 3;

export function textLimit(variant: GraphVariant): number {
  return variant === 'instagram' ? 1_000 : 2_000;
}

/** Cuts to `max` characters with an ellipsis (Meta refuses over-long titles outright). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits long text at line or word boundaries into chunks of at most `max` characters. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim() === '' ? '…' : text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > max / 2 ? cut : max;
    chunks.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  chunks.push(rest);
  return chunks;
}

function texts(text: string, variant: GraphVariant): GraphMessage[] {
  return splitText(text, textLimit(variant)).map((chunk) => ({ text: chunk }));
}

/** Text whose last chunk carries the quick replies (they hang off one message). */
function withQuickReplies(
  text: string,
  replies: readonly { id: string; title: string }[],
  variant: GraphVariant,
): GraphMessage[] {
  const chunks = splitText(text, textLimit(variant));
  const last = chunks.pop() ?? '…';
  const quick_replies = replies.slice(0, QUICK_REPLIES).map((reply) => ({
    content_type: 'text' as const,
    title: clip(reply.title, TITLE),
    payload: reply.id,
  }));
  return [...chunks.map((chunk) => ({ text: chunk })), { text: last, quick_replies }];
}

function graphButton(button: Button, variant: GraphVariant): GraphButton | undefined {
  const title = clip(button.title, TITLE);
  if (button.type === 'reply') return { type: 'postback', title, payload: button.id };
  if (button.type === 'url') return { type: 'web_url', title, url: button.url };
  // Instagram has no call button: the caller shows the number in the text instead.
  return variant === 'messenger'
    ? { type: 'phone_number', title, payload: button.phone }
    : undefined;
}

/** A button template; text over 640 characters goes out first as plain messages. */
function buttonTemplate(
  text: string,
  buttons: readonly GraphButton[],
  variant: GraphVariant,
): GraphMessage[] {
  const chunks = splitText(text, TEMPLATE_TEXT);
  const last = chunks.pop() ?? '…';
  const before = chunks.join('\n');
  return [
    ...(before === '' ? [] : texts(before, variant)),
    { attachment: { type: 'template', payload: { template_type: 'button', text: last, buttons } } },
  ];
}

function renderButtons(
  text: string,
  buttons: readonly Button[],
  variant: GraphVariant,
): GraphMessage[] {
  const shown = buttons.flatMap((button) => graphButton(button, variant) ?? []);
  const unshown = buttons.flatMap((button) =>
    button.type === 'call' && variant === 'instagram' ? [`${button.title}: ${button.phone}`] : [],
  );
  const body = [text, ...unshown].join('\n');
  if (shown.length === 0) return texts(body, variant);
  if (shown.length <= BUTTONS) return buttonTemplate(body, shown, variant);
  // More than three: reply buttons become quick replies, links and numbers text lines.
  const lines = buttons.flatMap((button) =>
    button.type === 'url'
      ? [`${button.title}: ${button.url}`]
      : button.type === 'call'
        ? [`${button.title}: ${button.phone}`]
        : [],
  );
  const replies = buttons.flatMap((button) => (button.type === 'reply' ? [button] : []));
  const all = [text, ...lines].join('\n');
  return replies.length === 0 ? texts(all, variant) : withQuickReplies(all, replies, variant);
}

const ATTACHMENT_TYPES = {
  image: 'image',
  sticker: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'audio',
  document: 'file',
} as const;

export function renderGraphMessage(content: MessageContent, variant: GraphVariant): GraphMessage[] {
  switch (content.type) {
    case 'text':
    case 'system':
      return texts(content.text, variant);
    case 'media': {
      const { url, mediaId } = content.media;
      const payload =
        url !== undefined ? { url, is_reusable: true as const } : { attachment_id: mediaId ?? '' };
      const attachment: GraphMessage = {
        attachment: { type: ATTACHMENT_TYPES[content.kind], payload },
      };
      const caption = content.caption?.trim() ?? '';
      return caption === '' ? [attachment] : [attachment, ...texts(caption, variant)];
    }
    case 'location':
      return texts(
        `${contentToText(content)}\nhttps://maps.google.com/?q=${String(content.latitude)},${String(content.longitude)}`,
        variant,
      );
    case 'contacts':
      return texts(
        content.contacts
          .map((contact) => [contact.name, ...contact.phones, ...contact.emails].join('\n'))
          .join('\n\n'),
        variant,
      );
    case 'buttons':
      return renderButtons(content.text, content.buttons, variant);
    case 'quick_replies':
      return withQuickReplies(content.text, content.replies, variant);
    case 'list': {
      const rows = content.sections.flatMap((section) => section.rows);
      if (rows.length <= BUTTONS) {
        const described = rows.flatMap((row) =>
          row.description === undefined ? [] : [`• ${row.title}: ${row.description}`],
        );
        const buttons = rows.map((row) => ({
          type: 'postback' as const,
          title: clip(row.title, TITLE),
          payload: row.id,
        }));
        return buttonTemplate([content.text, ...described].join('\n'), buttons, variant);
      }
      return withQuickReplies(content.text, rows, variant);
    }
    case 'carousel': {
      const elements = content.cards.slice(0, 10).map((card) => {
        const buttons = card.buttons.flatMap((button) => graphButton(button, variant) ?? []);
        return {
          title: clip(card.title, 80),
          ...(card.subtitle === undefined || card.subtitle === ''
            ? {}
            : { subtitle: clip(card.subtitle, 80) }),
          ...(card.imageUrl === undefined ? {} : { image_url: card.imageUrl }),
          ...(buttons.length === 0 ? {} : { buttons: buttons.slice(0, BUTTONS) }),
        };
      });
      return [
        { attachment: { type: 'template', payload: { template_type: 'generic', elements } } },
      ];
    }
    case 'slider': {
      const steps = Math.floor((content.max - content.min) / content.step) + 1;
      if (steps >= 1 && steps <= QUICK_REPLIES) {
        const values = Array.from({ length: steps }, (_, i) =>
          String(content.min + i * content.step),
        );
        return withQuickReplies(
          content.text,
          values.map((value) => ({ id: value, title: value })),
          variant,
        );
      }
      return texts(`${content.text}\n(${String(content.min)}–${String(content.max)})`, variant);
    }
    case 'whatsapp_flow':
      return content.fallbackUrl === undefined
        ? texts(content.text, variant)
        : buttonTemplate(
            content.text,
            [{ type: 'web_url', title: clip(content.cta, TITLE), url: content.fallbackUrl }],
            variant,
          );
    case 'form':
      return texts(formText(content), variant);
    case 'file_request':
      return texts(`${content.text}\n(Send the file in this chat.)`, variant);
    case 'date_picker':
      return texts(`${content.text}\n(${DATE_HINTS[content.mode]})`, variant);
    case 'template':
    case 'product':
    case 'reply':
      return texts(contentToText(content), variant);
  }
}

export const DATE_HINTS = {
  date: 'Reply with a date, e.g. 2025-01-31',
  time: 'Reply with a time, e.g. 14:30',
  datetime: 'Reply with a date and time, e.g. 2025-01-31 14:30',
} as const;

/** A form as one message asking for each field in turn (numbered, with its options). */
export function formText(content: Extract<MessageContent, { type: 'form' }>): string {
  const fields = content.fields.map((field, index) => {
    const options = field.options === undefined ? '' : ` (${field.options.join(' / ')})`;
    return `${String(index + 1)}. ${field.label}${field.required ? ' *' : ''}${options}`;
  });
  return [content.title ?? 'Please reply with:', ...fields].join('\n');
}
