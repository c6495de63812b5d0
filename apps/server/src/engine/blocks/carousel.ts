import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, none, templateUse, variableField } from './common.js';
import { askQuestion, invalid, pickChoice, saveIn, send, unique, valid } from './interactive.js';

/** A public http(s) link: set in the editor, so checked when the flow is saved. */
export const linkField = (label: string, help?: string) =>
  field(z.url({ protocol: /^https?$/ }).max(2_048), {
    label,
    kind: 'url',
    ...(help === undefined ? {} : { help }),
  });

const buttonTitle = field(z.string().min(1).max(20), { label: 'Button title', kind: 'text' });

const cardButton = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reply'),
    id: field(z.string().min(1).max(64), { label: 'Id', kind: 'text' }),
    title: buttonTitle,
  }),
  z.object({ type: z.literal('url'), title: buttonTitle, url: linkField('Link') }),
]);

const card = z.object({
  title: field(z.string().min(1).max(80), { label: 'Title', kind: 'template' }),
  subtitle: field(z.string().max(256).optional(), { label: 'Subtitle', kind: 'template' }),
  imageUrl: linkField('Image URL').optional(),
  buttons: field(z.array(cardButton).max(3).default([]), {
    label: 'Buttons',
    kind: 'list',
    help: 'Reply buttons each get an output handle; link buttons open a page.',
  }),
});

export const carouselData = z
  .object({
    cards: field(z.array(card).min(1).max(10), { label: 'Cards', kind: 'list' }),
    variable: variableField('Save choice in', 'Stores the chosen button title.').optional(),
  })
  .refine((data) => unique(replyButtons(data).map((button) => button.id)), {
    message: 'reply button ids must be unique across cards',
    path: ['cards'],
  });
export type CarouselData = z.infer<typeof carouselData>;

function replyButtons(data: { cards: z.infer<typeof card>[] }) {
  return data.cards.flatMap((c) => c.buttons.flatMap((b) => (b.type === 'reply' ? [b] : [])));
}

/** Only a carousel with a reply button waits; one with links only is sent and left behind. */
export const carouselWaits = (data: CarouselData): boolean => replyButtons(data).length > 0;

export const carouselHandle = (id: string): string => `button:${id}`;

function content(data: CarouselData, ctx: ExecContext): MessageContent {
  return {
    type: 'carousel',
    cards: data.cards.map((c) => {
      const subtitle = c.subtitle === undefined ? '' : render(c.subtitle, ctx.scope);
      return {
        title: render(c.title, ctx.scope),
        ...(subtitle === '' ? {} : { subtitle }),
        ...(c.imageUrl === undefined ? {} : { imageUrl: c.imageUrl }),
        buttons: c.buttons,
      };
    }),
  };
}

function execute(data: CarouselData, ctx: ExecContext): BlockResult {
  const replies = replyButtons(data);
  if (replies.length === 0) return { next: 'next', effects: [send(content(data, ctx))] };
  return askQuestion(ctx, {
    // Like buttons: one re-ask, then the fallback edge.
    maxRetries: 1,
    ask: () => [content(data, ctx)],
    answer: (message) => {
      const chosen = pickChoice(replies, message);
      return chosen === undefined ? invalid() : valid(chosen);
    },
    accept: (chosen) => ({
      next: carouselHandle(chosen.id),
      ...saveIn(data.variable, chosen.title),
    }),
  });
}

export const carouselBlock: BlockDefinition<CarouselData> = {
  type: 'carousel',
  label: 'Carousel',
  data: carouselData,
  // "Can park": the exact answer per node is `carouselWaits`, used by `blockFacts`.
  waits: true,
  handles: (data) => {
    const replies = replyButtons(data);
    if (replies.length === 0) return ['next'];
    return [...replies.map((button) => carouselHandle(button.id)), 'fallback'];
  },
  reads: (data) =>
    data.cards.flatMap((c, i) => {
      const uses: VariableUse[] = [templateUse(['cards', i, 'title'], c.title)];
      if (c.subtitle !== undefined) uses.push(templateUse(['cards', i, 'subtitle'], c.subtitle));
      return uses;
    }),
  writes: (data) => (data.variable === undefined ? [] : [data.variable]),
  targets: none,
  execute,
};
