import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render, toText } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { awaitCall, callResultOf, httpResponseOf, parseBody, pick, timeoutField } from './calls.js';
import { field, incomingText, none, templateText, templateUse, variableField } from './common.js';

/**
 * Dynamic data: fetches a list from an HTTP source and offers it as buttons, a list or a
 * carousel; the contact's choice is saved and leaves on "selected". The fetched items
 * are kept in the session (under `itemsKey`) so the answer can be matched on a later turn.
 */
export const dynamicDataData = z.object({
  url: field(z.string().min(1).max(2_048), { label: 'Source URL', kind: 'template' }),
  headers: field(
    z.array(z.object({ name: z.string().min(1).max(128), value: z.string().max(4_096) })).max(20),
    { label: 'Headers', kind: 'list' },
  ).default([]),
  itemsPath: field(z.string().max(256).default(''), {
    label: 'Items path',
    kind: 'text',
    help: 'Where the array is in the JSON response, e.g. `data.products`; empty for the top level.',
  }),
  idPath: field(z.string().min(1).max(128).default('id'), { label: 'Id field', kind: 'text' }),
  titlePath: field(z.string().min(1).max(128).default('title'), {
    label: 'Title field',
    kind: 'text',
  }),
  descriptionPath: field(z.string().max(128), {
    label: 'Description field',
    kind: 'text',
  }).optional(),
  imagePath: field(z.string().max(128), { label: 'Image field', kind: 'text' }).optional(),
  display: field(z.enum(['buttons', 'list', 'carousel']).default('buttons'), {
    label: 'Show as',
    kind: 'select',
  }),
  prompt: templateText('Question'),
  variable: variableField('Save chosen id in'),
  maxItems: field(z.number().int().min(1).max(10).default(10), {
    label: 'At most',
    kind: 'number',
  }),
  timeoutMs: timeoutField(10_000),
});
export type DynamicDataData = z.infer<typeof dynamicDataData>;

interface Item {
  id: string;
  title: string;
  description?: string;
  image?: string;
}

const itemSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  image: z.string().optional(),
});

export const itemsKey = (nodeId: string): string => `_items_${nodeId}`;

function itemsOf(data: DynamicDataData, body: unknown): Item[] {
  const list = pick(body, data.itemsPath);
  if (!Array.isArray(list)) return [];
  const text = (value: unknown, max: number): string | undefined =>
    value === undefined || value === null ? undefined : toText(value).slice(0, max);
  return list.slice(0, data.maxItems).flatMap((raw: unknown) => {
    const id = text(pick(raw, data.idPath), 64);
    const title = text(pick(raw, data.titlePath), 64);
    if (id === undefined || title === undefined || id === '' || title === '') return [];
    const description =
      data.descriptionPath === undefined ? undefined : text(pick(raw, data.descriptionPath), 256);
    const imageUrl =
      data.imagePath === undefined ? undefined : text(pick(raw, data.imagePath), 2_048);
    // Only web addresses: anything else would make an invalid carousel card.
    const image =
      imageUrl !== undefined && /^https?:\/\/\S+$/.test(imageUrl) ? imageUrl : undefined;
    return [{ id, title, ...(description ? { description } : {}), ...(image ? { image } : {}) }];
  });
}

function contentOf(data: DynamicDataData, items: Item[], text: string): MessageContent {
  switch (data.display) {
    case 'buttons':
      return {
        type: 'buttons',
        text,
        buttons: items.map(({ id, title }) => ({ type: 'reply', id, title })),
      };
    case 'list':
      return {
        type: 'list',
        text,
        buttonText: 'Choose',
        sections: [
          {
            rows: items.map(({ id, title, description }) => ({
              id,
              title,
              ...(description ? { description } : {}),
            })),
          },
        ],
      };
    case 'carousel':
      return {
        type: 'carousel',
        cards: items.map(({ id, title, description, image }) => ({
          title,
          ...(description ? { subtitle: description } : {}),
          ...(image ? { imageUrl: image } : {}),
          buttons: [{ type: 'reply', id, title: 'Choose' }],
        })),
      };
  }
}

function chosen(items: Item[], ctx: ExecContext): Item | undefined {
  const event = ctx.resume;
  if (event?.type === 'message' && event.content.type === 'reply') {
    const { replyTo } = event.content;
    const byId = items.find((item) => item.id === replyTo);
    if (byId) return byId;
  }
  const text = incomingText(event)?.trim().toLowerCase();
  if (!text) return undefined;
  const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
  return items.find((item, i) => i === index || item.title.toLowerCase() === text);
}

function execute(data: DynamicDataData, ctx: ExecContext): BlockResult {
  const result = callResultOf(ctx);
  if (ctx.resume === null) {
    const headers = Object.fromEntries(
      data.headers.map((h) => [h.name, render(h.value, ctx.scope)]),
    );
    return awaitCall(
      ctx,
      { kind: 'http', request: { method: 'GET', url: render(data.url, ctx.scope), headers } },
      data.timeoutMs,
    );
  }
  if (result !== null) {
    if (!result.ok) return { next: 'failure', outcome: `failure: ${result.error}` };
    const response = httpResponseOf(result.value);
    if (response === null || response.status < 200 || response.status >= 300) {
      return { next: 'failure', outcome: `failure: HTTP ${String(response?.status ?? 'error')}` };
    }
    const items = itemsOf(data, parseBody(response.body));
    if (items.length === 0) return { next: 'failure', outcome: 'failure: no items' };
    return {
      next: null,
      outcome: 'asked',
      retries: 0,
      variables: { [itemsKey(ctx.nodeId)]: items },
      effects: [{ type: 'send', content: contentOf(data, items, render(data.prompt, ctx.scope)) }],
    };
  }
  if (ctx.resume.type !== 'message') return { next: null, outcome: 'ignored' };
  const stored = z.array(itemSchema).safeParse(ctx.scope.variables[itemsKey(ctx.nodeId)]);
  // A message before the items arrived: keep waiting for them.
  if (!stored.success) return { next: null, outcome: 'ignored: items not loaded yet' };
  const items = stored.data.map(({ description, image, ...rest }) => ({
    ...rest,
    ...(description === undefined ? {} : { description }),
    ...(image === undefined ? {} : { image }),
  }));
  const choice = chosen(items, ctx);
  if (choice !== undefined) return { next: 'selected', variables: { [data.variable]: choice.id } };
  if (ctx.retries < 1) {
    const content = contentOf(data, items, render(data.prompt, ctx.scope));
    return { next: null, retries: 1, outcome: 'retry', effects: [{ type: 'send', content }] };
  }
  return { next: 'fallback' };
}

function reads(data: DynamicDataData): VariableUse[] {
  return [
    templateUse(['url'], data.url),
    templateUse(['prompt'], data.prompt),
    ...data.headers.map((header, i) => templateUse(['headers', i, 'value'], header.value)),
  ];
}

export const dynamicDataBlock: BlockDefinition<DynamicDataData> = {
  type: 'dynamic_data',
  label: 'Dynamic data',
  data: dynamicDataData,
  waits: true,
  handles: () => ['selected', 'failure', 'fallback'],
  reads,
  writes: (data) => [data.variable],
  targets: none,
  execute,
};
