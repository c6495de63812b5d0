import type { Button, MessageContent } from '@parley/protocol';

/**
 * Interactive WhatsApp messages (reply buttons, lists, call-to-action URLs, Flows,
 * products) and the fallbacks for what they cannot hold. The limits are Meta's
 * (developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-*-messages).
 */

/** One message body: everything of a Cloud API `/messages` request but the envelope. */
export interface WaBody {
  readonly type: string;
  readonly [field: string]: unknown;
}

export const LIMITS = {
  body: 1_024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  rows: 10,
  sections: 10,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  sectionTitle: 24,
  headerText: 60,
  flowCta: 30,
} as const;

export interface Choice {
  readonly id: string;
  readonly title: string;
  readonly description?: string | undefined;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts to `max` characters (whole graphemes: no emoji is split), marking the cut with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(graphemes.segment(text), (part) => part.segment);
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

export function textBody(body: string): WaBody {
  return { type: 'text', text: { body, preview_url: /https?:\/\//i.test(body) } };
}

function interactive(value: Record<string, unknown>): WaBody {
  return { type: 'interactive', interactive: value };
}

/**
 * Choices as WhatsApp shows them: up to 3 reply buttons; up to 10 a list; more a numbered
 * text menu (the flow engine accepts the number or the title as the answer).
 */
export function renderChoices(
  text: string,
  choices: readonly Choice[],
  buttonText: string,
  header?: Record<string, unknown>,
): WaBody {
  if (choices.length <= LIMITS.buttons) {
    return interactive({
      type: 'button',
      ...(header === undefined ? {} : { header }),
      body: { text: clip(text, LIMITS.body) },
      action: {
        buttons: choices.map((choice) => ({
          type: 'reply',
          reply: {
            id: clip(choice.id, LIMITS.buttonId),
            title: clip(choice.title, LIMITS.buttonTitle),
          },
        })),
      },
    });
  }
  if (choices.length <= LIMITS.rows) {
    return listBody(text, buttonText, [{ rows: choices }]);
  }
  return numberedMenu(text, choices);
}

export function numberedMenu(text: string, choices: readonly Choice[]): WaBody {
  const lines = choices.map((choice, index) => `${String(index + 1)}. ${choice.title}`);
  return textBody(`${text}\n\n${lines.join('\n')}\n\nReply with a number.`);
}

function listBody(
  text: string,
  buttonText: string,
  sections: readonly { title?: string | undefined; rows: readonly Choice[] }[],
): WaBody {
  return interactive({
    type: 'list',
    body: { text: clip(text, LIMITS.body) },
    action: {
      button: clip(buttonText, LIMITS.listButton),
      sections: sections.map((section) => ({
        // Meta requires a title on every section once there are several.
        ...(section.title === undefined && sections.length === 1
          ? {}
          : { title: clip(section.title ?? buttonText, LIMITS.sectionTitle) }),
        rows: section.rows.map(row),
      })),
    },
  });
}

/** A row title longer than WhatsApp shows moves in full to the description. */
function row(choice: Choice): Record<string, string> {
  const title = clip(choice.title, LIMITS.rowTitle);
  const description = choice.description ?? (title === choice.title ? undefined : choice.title);
  return {
    id: clip(choice.id, LIMITS.rowId),
    title,
    ...(description === undefined || description === ''
      ? {}
      : { description: clip(description, LIMITS.rowDescription) }),
  };
}

type ListContent = Extract<MessageContent, { type: 'list' }>;

/** A list of up to 10 rows as is; a longer one as a numbered text menu of every row. */
export function renderList(content: ListContent): WaBody {
  const rows = content.sections.flatMap((section) => section.rows);
  if (rows.length <= LIMITS.rows && content.sections.length <= LIMITS.sections) {
    return listBody(content.text, content.buttonText, content.sections);
  }
  return numberedMenu(content.text, rows);
}

/** A link or phone button has no interactive form next to reply buttons: it joins the text. */
function linkLine(button: Exclude<Button, { type: 'reply' }>): string {
  return `${button.title}: ${button.type === 'url' ? button.url : button.phone}`;
}

/**
 * Reply buttons render as choices. A single URL button alone is a call-to-action URL
 * message; other URL and call buttons are written into the text as "Title: link".
 */
export function renderButtons(
  text: string,
  buttons: readonly Button[],
  header?: Record<string, unknown>,
): WaBody {
  const replies = buttons.flatMap((button) => (button.type === 'reply' ? [button] : []));
  const links = buttons.flatMap((button) => (button.type === 'reply' ? [] : [button]));
  const [only] = links;
  if (replies.length === 0 && links.length === 1 && only?.type === 'url') {
    return interactive({
      type: 'cta_url',
      ...(header === undefined ? {} : { header }),
      body: { text: clip(text, LIMITS.body) },
      action: {
        name: 'cta_url',
        parameters: { display_text: clip(only.title, LIMITS.buttonTitle), url: only.url },
      },
    });
  }
  const fullText = [text, ...links.map(linkLine)].join('\n');
  if (replies.length > 0) return renderChoices(fullText, replies, 'Choose', header);
  return textBody(fullText);
}

type CarouselContent = Extract<MessageContent, { type: 'carousel' }>;

/**
 * WhatsApp has no free-form carousel: each card becomes its own message, its image as the
 * header of its reply buttons (or the image with the text as caption when it has none).
 */
export function renderCarousel(content: CarouselContent): WaBody[] {
  return content.cards.map((card) => {
    const text = card.subtitle === undefined ? card.title : `${card.title}\n${card.subtitle}`;
    const header =
      card.imageUrl === undefined ? undefined : { type: 'image', image: { link: card.imageUrl } };
    if (card.buttons.length > 0) return renderButtons(text, card.buttons, header);
    if (card.imageUrl !== undefined) {
      return { type: 'image', image: { link: card.imageUrl, caption: clip(text, LIMITS.body) } };
    }
    return textBody(text);
  });
}

type FlowContent = Extract<MessageContent, { type: 'whatsapp_flow' }>;

/** A WhatsApp Flow; its token is Parley's message id, echoed back in the flow's reply. */
export function renderFlow(content: FlowContent, messageId: string): WaBody {
  return interactive({
    type: 'flow',
    body: { text: clip(content.text, LIMITS.body) },
    action: {
      name: 'flow',
      parameters: {
        flow_message_version: '3',
        flow_token: messageId,
        flow_id: content.flowId,
        flow_cta: clip(content.cta, LIMITS.flowCta),
        flow_action: 'navigate',
        ...(content.screen === undefined
          ? {}
          : { flow_action_payload: { screen: content.screen } }),
      },
    },
  });
}

type ProductContent = Extract<MessageContent, { type: 'product' }>;

/** One product: a single-product message; several: a product list (header and body required). */
export function renderProduct(content: ProductContent): WaBody {
  const [first, ...rest] = content.productIds;
  if (first !== undefined && rest.length === 0) {
    return interactive({
      type: 'product',
      ...(content.text === undefined ? {} : { body: { text: clip(content.text, LIMITS.body) } }),
      action: { catalog_id: content.catalogId, product_retailer_id: first },
    });
  }
  const text = content.text ?? 'Products';
  return interactive({
    type: 'product_list',
    header: { type: 'text', text: clip(text, LIMITS.headerText) },
    body: { text: clip(text, LIMITS.body) },
    action: {
      catalog_id: content.catalogId,
      sections: [
        {
          title: clip(text, LIMITS.sectionTitle),
          product_items: content.productIds.map((id) => ({ product_retailer_id: id })),
        },
      ],
    },
  });
}
