import type { Button, MessageContent } from '@parley/protocol';

/**
 * Canonical content as plain text, for channels that show only text (SMS, and the
 * fallbacks of richer ones: Telegram imports this too). Interactive choices become a
 * numbered menu whose numbers are exactly the 1-based positions the flow engine accepts
 * as an answer (`chooseButton` / `pickChoice`): reply buttons in order, list rows across
 * all sections, carousel reply buttons across all cards. Links and phone numbers are
 * written out, unnumbered, since they are not answers.
 */

/** "1. Sales\n2. Support", numbering from `first`. */
export function numberedMenu(titles: readonly string[], first = 1): string {
  return titles.map((title, i) => `${String(first + i)}. ${title}`).join('\n');
}

/** A url or call button written out ("Website: https://…"); reply buttons give null. */
export function linkLine(button: Button): string | null {
  switch (button.type) {
    case 'url':
      return `${button.title}: ${button.url}`;
    case 'call':
      return `${button.title}: ${button.phone}`;
    case 'reply':
      return null;
  }
}

function withButtons(text: string, buttons: readonly Button[], first = 1): string {
  const replies = buttons.flatMap((button) => (button.type === 'reply' ? [button.title] : []));
  const links = buttons.flatMap((button) => {
    const line = linkLine(button);
    return line === null ? [] : [line];
  });
  return joinBlocks([text, numberedMenu(replies, first), links.join('\n')]);
}

/** Non-empty parts separated by a blank line. */
export function joinBlocks(parts: readonly (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}

export function mapsLink(latitude: number, longitude: number): string {
  return `https://maps.google.com/?q=${String(latitude)},${String(longitude)}`;
}

const DATE_HINTS = { date: 'YYYY-MM-DD', time: 'HH:MM', datetime: 'YYYY-MM-DD HH:MM' } as const;

/** The plain-text rendering of any canonical content (see the module comment). */
export function plainText(content: MessageContent): string {
  switch (content.type) {
    case 'text':
    case 'system':
      return content.text;
    case 'media':
      return joinBlocks([content.caption, content.media.url]);
    case 'location':
      return [content.name, content.address, mapsLink(content.latitude, content.longitude)]
        .filter((part) => part !== undefined && part !== '')
        .join('\n');
    case 'contacts':
      return joinBlocks(
        content.contacts.map((contact) =>
          [contact.name, ...contact.phones, ...contact.emails].join('\n'),
        ),
      );
    case 'buttons':
      return withButtons(content.text, content.buttons);
    case 'quick_replies':
      return joinBlocks([content.text, numberedMenu(content.replies.map((reply) => reply.title))]);
    case 'list': {
      let next = 1;
      const sections = content.sections.map((section) => {
        const rows = section.rows.map((row) =>
          row.description === undefined || row.description === ''
            ? row.title
            : `${row.title} — ${row.description}`,
        );
        const menu = numberedMenu(rows, next);
        next += rows.length;
        return section.title === undefined || section.title === ''
          ? menu
          : `${section.title}\n${menu}`;
      });
      return joinBlocks([content.text, ...sections]);
    }
    case 'carousel': {
      let next = 1;
      return joinBlocks(
        content.cards.map((card) => {
          const text = [card.title, card.subtitle, card.imageUrl]
            .filter((part) => part !== undefined && part !== '')
            .join('\n');
          const block = withButtons(text, card.buttons, next);
          next += card.buttons.filter((button) => button.type === 'reply').length;
          return block;
        }),
      );
    }
    case 'template':
      return [content.name, ...content.parameters.body].join(' ');
    case 'form':
      return joinBlocks([
        content.title,
        content.fields.map((field) => `- ${field.label}`).join('\n'),
      ]);
    case 'file_request':
      return content.text;
    case 'date_picker':
      return `${content.text} (${DATE_HINTS[content.mode]})`;
    case 'slider':
      return `${content.text} (${String(content.min)}–${String(content.max)})`;
    case 'product':
      return content.text ?? `Products: ${content.productIds.join(', ')}`;
    case 'whatsapp_flow':
      return joinBlocks([content.text, content.fallbackUrl]);
    case 'reply':
      return content.title;
  }
}
