import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, ExecContext } from '../types.js';
import { field, none, templateText, templateUse } from './common.js';
import { linkField } from './carousel.js';
import { isWhatsApp, send, unique } from './interactive.js';

export const catalogueData = z
  .object({
    catalogId: field(z.string().min(1).max(256), {
      label: 'Catalog id',
      kind: 'text',
      help: 'The Meta commerce catalog linked to the WhatsApp number.',
    }),
    products: field(
      z
        .array(
          z.object({
            id: field(z.string().min(1).max(256), { label: 'Product id (SKU)', kind: 'text' }),
            title: field(z.string().min(1).max(72).optional(), { label: 'Name', kind: 'text' }),
            url: linkField('Product page', 'Linked on channels without catalogs.').optional(),
          }),
        )
        .min(1)
        .max(30),
      { label: 'Products', kind: 'list' },
    ),
    text: templateText('Message').optional(),
    buttonText: field(z.string().min(1).max(20).default('View products'), {
      label: 'List button',
      kind: 'text',
      help: 'Off WhatsApp, products without links are shown as a list behind this button.',
    }),
  })
  .refine((data) => unique(data.products.map((product) => product.id)), {
    message: 'product ids must be unique',
    path: ['products'],
  });
export type CatalogueData = z.infer<typeof catalogueData>;

/**
 * WhatsApp shows the catalog's own product cards. Elsewhere products become lines with
 * links when any has a page, else a list of their names; either way the flow moves on, so a
 * row picked later reaches whatever block is waiting then.
 */
function contents(data: CatalogueData, ctx: ExecContext): MessageContent {
  const text = data.text === undefined ? '' : render(data.text, ctx.scope);
  if (isWhatsApp(ctx.scope)) {
    return {
      type: 'product',
      catalogId: data.catalogId,
      productIds: data.products.map((product) => product.id),
      ...(text === '' ? {} : { text }),
    };
  }
  const name = (product: CatalogueData['products'][number]) =>
    product.title ?? product.id.slice(0, 72);
  if (data.products.some((product) => product.url !== undefined)) {
    const lines = data.products.map((product) =>
      product.url === undefined ? name(product) : `${name(product)}: ${product.url}`,
    );
    return { type: 'text', text: [text, ...lines].filter((line) => line !== '').join('\n') };
  }
  return {
    type: 'list',
    text: text === '' ? data.buttonText : text,
    buttonText: data.buttonText,
    sections: [
      { rows: data.products.map((product) => ({ id: product.id, title: name(product) })) },
    ],
  };
}

export const catalogueBlock: BlockDefinition<CatalogueData> = {
  type: 'catalogue',
  label: 'Catalogue',
  data: catalogueData,
  waits: false,
  handles: () => ['next'],
  reads: (data) => (data.text === undefined ? [] : [templateUse(['text'], data.text)]),
  writes: none,
  targets: none,
  execute: (data, ctx) => ({ next: 'next', effects: [send(contents(data, ctx))] }),
};
