import { contentToText, type Button, type MessageContent } from '@parley/protocol';
import { DATE_HINTS, formText } from '../messenger/graph-render.js';

/** One outbound e-mail body: plain text and simple HTML, plus the file a media message carries. */
export interface RenderedEmail {
  readonly text: string;
  readonly html: string;
  readonly file?: {
    readonly url: string | null;
    readonly filename: string;
    readonly mime: string | null;
  };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}

function link(url: string, title: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>`;
}

interface Choice {
  readonly title: string;
  readonly url?: string;
  readonly detail?: string;
}

/** Choices as a numbered list: links for URL and call buttons, titles for answers. */
function numbered(lead: string, choices: readonly Choice[], hint: boolean): RenderedEmail {
  const text = choices.map((choice, index) => {
    const detail = choice.detail === undefined ? '' : ` — ${choice.detail}`;
    return `${String(index + 1)}. ${choice.title}${choice.url === undefined ? '' : `: ${choice.url}`}${detail}`;
  });
  const items = choices.map((choice) => {
    const detail = choice.detail === undefined ? '' : ` — ${escapeHtml(choice.detail)}`;
    const title =
      choice.url === undefined ? escapeHtml(choice.title) : link(choice.url, choice.title);
    return `<li>${title}${detail}</li>`;
  });
  const footer = hint ? 'Reply with the number or the title of your choice.' : '';
  return {
    text: [lead, text.join('\n'), footer].filter((part) => part !== '').join('\n\n'),
    html: [paragraph(lead), `<ol>${items.join('')}</ol>`, footer === '' ? '' : paragraph(footer)]
      .filter((part) => part !== '')
      .join('\n'),
  };
}

function choiceOf(button: Button): Choice {
  if (button.type === 'url') return { title: button.title, url: button.url };
  if (button.type === 'call') return { title: button.title, url: `tel:${button.phone}` };
  return { title: button.title };
}

function plain(text: string): RenderedEmail {
  return { text, html: paragraph(text) };
}

/**
 * Canonical content as an e-mail body. E-mail shows no buttons: choices become a numbered
 * list (links where they lead somewhere), a carousel a list of cards, forms and pickers a
 * question in words; media is attached as a file.
 */
export function renderEmail(content: MessageContent): RenderedEmail {
  switch (content.type) {
    case 'text':
    case 'system':
    case 'template':
    case 'product':
    case 'reply':
      return plain(contentToText(content));
    case 'media': {
      // Without a URL (a media id of a store Parley does not have yet) only the name shows.
      const { url, filename, mime } = content.media;
      const name = filename ?? nameFromUrl(url) ?? content.kind;
      const caption = content.caption ?? '';
      return {
        text: caption,
        html: caption === '' ? '' : paragraph(caption),
        file: { url: url ?? null, filename: name, mime: mime ?? null },
      };
    }
    case 'location': {
      const maps = `https://maps.google.com/?q=${String(content.latitude)},${String(content.longitude)}`;
      const label = contentToText(content);
      return { text: `${label}\n${maps}`, html: `<p>${link(maps, label)}</p>` };
    }
    case 'contacts':
      return plain(
        content.contacts
          .map((contact) => [contact.name, ...contact.phones, ...contact.emails].join('\n'))
          .join('\n\n'),
      );
    case 'buttons':
      return numbered(
        content.text,
        content.buttons.map(choiceOf),
        content.buttons.some((button) => button.type === 'reply'),
      );
    case 'quick_replies':
      return numbered(content.text, content.replies, true);
    case 'list': {
      const rows = content.sections.flatMap((section) => section.rows);
      return numbered(
        content.text,
        rows.map((row) => ({
          title: row.title,
          ...(row.description === undefined ? {} : { detail: row.description }),
        })),
        true,
      );
    }
    case 'carousel': {
      const cards = content.cards.map(cardOf);
      return {
        text: cards.map((card) => card.text).join('\n\n'),
        html: cards.map((card) => card.html).join('\n<hr>\n'),
      };
    }
    case 'form':
      return plain(formText(content));
    case 'file_request':
      return plain(`${content.text}\n(Reply with the file attached.)`);
    case 'date_picker':
      return plain(`${content.text}\n(${DATE_HINTS[content.mode]})`);
    case 'slider':
      return plain(`${content.text}\n(${String(content.min)}–${String(content.max)})`);
    case 'whatsapp_flow':
      return content.fallbackUrl === undefined
        ? plain(content.text)
        : {
            text: `${content.text}\n${content.cta}: ${content.fallbackUrl}`,
            html: `${paragraph(content.text)}\n<p>${link(content.fallbackUrl, content.cta)}</p>`,
          };
  }
}

type Card = Extract<MessageContent, { type: 'carousel' }>['cards'][number];

function cardOf(card: Card): { text: string; html: string } {
  const choices = card.buttons.map(choiceOf);
  const text = [
    card.title,
    card.subtitle ?? '',
    card.imageUrl ?? '',
    ...choices.map(
      (choice) => `- ${choice.title}${choice.url === undefined ? '' : `: ${choice.url}`}`,
    ),
  ].filter((line) => line !== '');
  const image =
    card.imageUrl === undefined
      ? ''
      : `<img src="${escapeHtml(card.imageUrl)}" alt="" width="240"><br>`;
  const subtitle = card.subtitle === undefined ? '' : `<br>${escapeHtml(card.subtitle)}`;
  const items = choices.map(
    (choice) =>
      `<li>${choice.url === undefined ? escapeHtml(choice.title) : link(choice.url, choice.title)}</li>`,
  );
  const list = items.length === 0 ? '' : `<ul>${items.join('')}</ul>`;
  return {
    text: text.join('\n'),
    html: `<div>${image}<strong>${escapeHtml(card.title)}</strong>${subtitle}${list}</div>`,
  };
}

/** The last path segment of an http(s) URL: the file name a link suggests. */
function nameFromUrl(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:/i.test(url)) return undefined;
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last === undefined || last === '' ? undefined : decodeURIComponent(last);
  } catch {
    return undefined;
  }
}
