import type { MessageContent } from '@parley/protocol';
import {
  renderButtons,
  renderCarousel,
  renderChoices,
  renderFlow,
  renderList,
  renderProduct,
  textBody,
  type WaBody,
} from './render-interactive.js';

export type { WaBody } from './render-interactive.js';

/**
 * Canonical content → the WhatsApp message bodies that carry it, in order (usually one;
 * a carousel is one per card, an audio or sticker with a caption is followed by the caption
 * as text). Shared by the Cloud API and 360dialog, which take the same payloads.
 * Every fallback is listed in docs/channels/whatsapp.md.
 */
export function renderWhatsApp(content: MessageContent, messageId: string): WaBody[] {
  switch (content.type) {
    case 'text':
    case 'system':
      return [textBody(content.text)];
    case 'reply':
      return [textBody(content.title)];
    case 'media':
      return renderMedia(content);
    case 'location':
      return [
        {
          type: 'location',
          location: {
            latitude: content.latitude,
            longitude: content.longitude,
            ...(content.name === undefined ? {} : { name: content.name }),
            ...(content.address === undefined ? {} : { address: content.address }),
          },
        },
      ];
    case 'contacts':
      return [{ type: 'contacts', contacts: content.contacts.map(contactCard) }];
    case 'buttons':
      return [renderButtons(content.text, content.buttons)];
    case 'quick_replies':
      return [renderChoices(content.text, content.replies, 'Choose')];
    case 'list':
      return [renderList(content)];
    case 'carousel':
      return renderCarousel(content);
    case 'template':
      return [renderTemplate(content)];
    case 'whatsapp_flow':
      return [renderFlow(content, messageId)];
    case 'product':
      return [renderProduct(content)];
    case 'form':
      return [textBody(formText(content))];
    case 'file_request':
      return [
        textBody(
          content.accept.length === 0
            ? content.text
            : `${content.text}\n(${content.accept.join(', ')})`,
        ),
      ];
    case 'date_picker':
      return [textBody(`${content.text}\n(${DATE_HINT[content.mode]})`)];
    case 'slider':
      return [textBody(`${content.text}\n(${String(content.min)}–${String(content.max)})`)];
  }
}

const DATE_HINT = { date: 'YYYY-MM-DD', time: 'HH:MM', datetime: 'YYYY-MM-DD HH:MM' } as const;

type Media = Extract<MessageContent, { type: 'media' }>;

function renderMedia(content: Media): WaBody[] {
  // WhatsApp plays voice notes as audio; a Parley media id is taken to be WhatsApp's own
  // (a file received on this channel sent back out).
  const kind = content.kind === 'voice' ? 'audio' : content.kind;
  const source =
    content.media.url === undefined ? { id: content.media.mediaId } : { link: content.media.url };
  const caption = content.caption === undefined ? {} : { caption: content.caption };
  switch (kind) {
    case 'image':
    case 'video':
      return [{ type: kind, [kind]: { ...source, ...caption } }];
    case 'document':
      return [
        {
          type: 'document',
          document: {
            ...source,
            ...caption,
            ...(content.media.filename === undefined ? {} : { filename: content.media.filename }),
          },
        },
      ];
    case 'audio':
    case 'sticker':
      // These take no caption: it follows as its own text rather than being lost.
      return [
        { type: kind, [kind]: source },
        ...(content.caption === undefined || content.caption === ''
          ? []
          : [textBody(content.caption)]),
      ];
  }
}

function contactCard(contact: Extract<MessageContent, { type: 'contacts' }>['contacts'][number]) {
  const [first = contact.name, ...rest] = contact.name.split(' ');
  return {
    name: {
      formatted_name: contact.name,
      first_name: first,
      ...(rest.length === 0 ? {} : { last_name: rest.join(' ') }),
    },
    phones: contact.phones.map((phone) => ({ phone, type: 'CELL' })),
    emails: contact.emails.map((email) => ({ email, type: 'WORK' })),
  };
}

type Template = Extract<MessageContent, { type: 'template' }>;

/**
 * A template with its parameters: header values (text, or a media URL for a media
 * header), body values in order, and button values keyed as documented: `url`/`otp`
 * (URL button), `copy_code`, anything else a quick-reply payload; a trailing number
 * (`url_1`, `2`) is the button's index, else the key's position.
 */
export function renderTemplate(content: Template): WaBody {
  const { header, body, buttons } = content.parameters;
  const components: Record<string, unknown>[] = [];
  if (header.length > 0) components.push({ type: 'header', parameters: header.map(headerValue) });
  if (body.length > 0) {
    components.push({ type: 'body', parameters: body.map((text) => ({ type: 'text', text })) });
  }
  Object.entries(buttons).forEach(([key, value], position) => {
    components.push(templateButton(key, value, position));
  });
  return {
    type: 'template',
    template: {
      name: content.name,
      language: { code: content.language },
      ...(components.length === 0 ? {} : { components }),
    },
  };
}

const IMAGE = /\.(?:jpe?g|png|webp)$/i;
const VIDEO = /\.(?:mp4|3gpp?)$/i;

function headerValue(value: string): Record<string, unknown> {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return { type: 'text', text: value };
  const { pathname } = new URL(value);
  if (IMAGE.test(pathname)) return { type: 'image', image: { link: value } };
  if (VIDEO.test(pathname)) return { type: 'video', video: { link: value } };
  return { type: 'document', document: { link: value } };
}

function templateButton(key: string, value: string, position: number): Record<string, unknown> {
  const match = /^(.*?)[_:]?(\d+)$/.exec(key);
  const name = (match === null ? key : (match[1] ?? '')).toLowerCase();
  const index = match === null ? position : Number(match[2]);
  const [subType, parameter] =
    name === 'url' || name === 'otp'
      ? ['url', { type: 'text', text: value }]
      : name === 'copy_code' || name === 'coupon_code'
        ? ['copy_code', { type: 'coupon_code', coupon_code: value }]
        : ['quick_reply', { type: 'payload', payload: value }];
  return { type: 'button', sub_type: subType, index: String(index), parameters: [parameter] };
}

function formText(content: Extract<MessageContent, { type: 'form' }>): string {
  const fields = content.fields.map((field, index) => {
    const options = field.options === undefined ? '' : ` (${field.options.join(' / ')})`;
    return `${String(index + 1)}. ${field.label}${field.required ? ' *' : ''}${options}`;
  });
  return [content.title ?? 'Please answer:', ...fields].join('\n');
}
