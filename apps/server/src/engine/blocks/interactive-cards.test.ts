import { describe, expect, it } from 'vitest';
import { flowOf, press, say, sentTexts } from '../testing.js';
import { validateFlow } from '../validate.js';
import { blocks } from './index.js';
import { problemPath, runBlock, sent, sink } from './interactive-testing.js';

describe('carousel', () => {
  const carousel = {
    id: 'c',
    type: 'carousel',
    data: {
      cards: [
        {
          title: 'Red {{contact.name}}',
          subtitle: 'Warm',
          imageUrl: 'https://x.test/red.png',
          buttons: [
            { type: 'reply', id: 'red', title: 'Choose' },
            { type: 'url', title: 'More', url: 'https://x.test/red' },
          ],
        },
        { title: 'Blue', buttons: [{ type: 'reply', id: 'blue', title: 'Take blue' }] },
      ],
      variable: 'colour',
    },
  };
  const edges = ['c:button:red->red', 'c:button:blue->blue', 'c:fallback->lost'];
  const extra = [sink('red'), sink('blue'), sink('lost')];

  it('sends cards and waits for a reply button', () => {
    const asked = runBlock(carousel);
    expect(sent(asked.effects)).toEqual([
      {
        type: 'carousel',
        cards: [
          {
            title: 'Red Ada',
            subtitle: 'Warm',
            imageUrl: 'https://x.test/red.png',
            buttons: [
              { type: 'reply', id: 'red', title: 'Choose' },
              { type: 'url', title: 'More', url: 'https://x.test/red' },
            ],
          },
          { title: 'Blue', buttons: [{ type: 'reply', id: 'blue', title: 'Take blue' }] },
        ],
      },
    ]);
    expect(asked.session.status).toBe('waiting');
    const chosen = runBlock(carousel, { edges, extra, events: [press('blue', 'Take blue')] });
    expect(sentTexts(chosen.effects)).toEqual(['blue']);
    expect(chosen.session.variables.colour).toBe('Take blue');
  });

  it('takes "fallback" after one re-ask', () => {
    const result = runBlock(carousel, { edges, extra, events: [say('green'), say('purple')] });
    expect(sentTexts(result.effects)).toEqual(['lost']);
  });

  it('with link buttons only, sends and continues on "next" without waiting', () => {
    const links = {
      id: 'c',
      type: 'carousel',
      data: {
        cards: [
          { title: 'Docs', buttons: [{ type: 'url', title: 'Open', url: 'https://x.test' }] },
        ],
      },
    };
    const result = runBlock(links, { edges: ['c:next->after'], extra: [sink('after')] });
    expect(sentTexts(result.effects)).toEqual(['carousel', 'after']);
    expect(result.session.status).toBe('ended');
    expect(blocks.carousel.handles(blocks.carousel.data.parse(links.data))).toEqual(['next']);
  });

  it('counts as a wait for loop detection only when it has a reply button', () => {
    const loop = (node: { id: string; type: string; data: Record<string, unknown> }) =>
      validateFlow(flowOf([{ id: 's', type: 'start' }, node, sink('m')], ['s->c', 'c->m', 'm->c']));
    const linksOnly = { ...carousel, data: { cards: [{ title: 'A' }] } };
    const looping = loop(linksOnly);
    expect(looping.ok ? [] : looping.problems.map((p) => p.code)).toEqual(['loop_without_wait']);
    const waiting = {
      ...carousel,
      data: { cards: [{ title: 'A', buttons: [{ type: 'reply', id: 'a', title: 'A' }] }] },
    };
    const ok = validateFlow(
      flowOf([{ id: 's', type: 'start' }, waiting, sink('m')], ['s->c', 'c:button:a->m', 'm->c']),
    );
    expect(ok.ok).toBe(true);
  });

  it.each([
    [{ cards: [{ title: 'A', imageUrl: 'javascript:alert(1)' }] }, 'data.cards.0.imageUrl'],
    [
      {
        cards: [
          {
            title: 'A',
            buttons: Array.from({ length: 4 }, (_, i) => ({
              type: 'reply',
              id: `b${i}`,
              title: 'B',
            })),
          },
        ],
      },
      'data.cards.0.buttons',
    ],
    [
      {
        cards: [
          { title: 'A', buttons: [{ type: 'reply', id: 'x', title: 'X' }] },
          { title: 'B', buttons: [{ type: 'reply', id: 'x', title: 'Y' }] },
        ],
      },
      'data.cards',
    ],
    [{ cards: [] }, 'data.cards'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('carousel', data)).toBe(path);
  });
});

describe('image_gallery', () => {
  const images = [
    { url: 'https://x.test/1.png', caption: 'For {{contact.name}}' },
    { url: 'https://x.test/2.png' },
  ];

  it('sends a carousel of image cards, or one image message each, and moves on', () => {
    const cards = runBlock(
      { id: 'g', type: 'image_gallery', data: { images } },
      { edges: ['g->after'], extra: [sink('after')] },
    );
    expect(sent(cards.effects)[0]).toEqual({
      type: 'carousel',
      cards: [
        { title: 'For Ada', imageUrl: 'https://x.test/1.png', buttons: [] },
        { title: '2/2', imageUrl: 'https://x.test/2.png', buttons: [] },
      ],
    });
    expect(sentTexts(cards.effects)).toEqual(['carousel', 'after']);
    const media = runBlock({ id: 'g', type: 'image_gallery', data: { images, display: 'media' } });
    expect(sent(media.effects)).toEqual([
      { type: 'media', kind: 'image', media: { url: 'https://x.test/1.png' }, caption: 'For Ada' },
      { type: 'media', kind: 'image', media: { url: 'https://x.test/2.png' } },
    ]);
    // It never waits: the turn ends with the flow, and a later message is no answer to it.
    expect(media.session.status).toBe('ended');
    expect(media.effects.at(-1)).toEqual({ type: 'end' });
  });

  it.each([
    [{ images: [] }, 'data.images'],
    [
      { images: Array.from({ length: 11 }, () => ({ url: 'https://x.test/a.png' })) },
      'data.images',
    ],
    [{ images: [{ url: 'not a url' }] }, 'data.images.0.url'],
    [{ images: [{ url: 'https://x.test/a.png' }], display: 'grid' }, 'data.display'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('image_gallery', data)).toBe(path);
  });
});

describe('catalogue', () => {
  const products = [{ id: 'sku-1', title: 'Mug', url: 'https://shop.test/mug' }, { id: 'sku-2' }];
  const node = (extra: Record<string, unknown> = {}) => ({
    id: 'k',
    type: 'catalogue',
    data: { catalogId: 'cat-9', products, text: 'Our picks, {{contact.name}}', ...extra },
  });

  it('sends product messages on WhatsApp and continues on "next"', () => {
    const result = runBlock(node(), {
      channel: 'whatsapp',
      edges: ['k->after'],
      extra: [sink('after')],
    });
    expect(sent(result.effects)).toEqual([
      {
        type: 'product',
        catalogId: 'cat-9',
        productIds: ['sku-1', 'sku-2'],
        text: 'Our picks, Ada',
      },
      { type: 'text', text: 'after' },
    ]);
  });

  it('degrades elsewhere: links as text, or a list of names when no product has a page', () => {
    expect(sent(runBlock(node()).effects)).toEqual([
      { type: 'text', text: 'Our picks, Ada\nMug: https://shop.test/mug\nsku-2' },
    ]);
    const unlinked = node({ products: [{ id: 'sku-1', title: 'Mug' }, { id: 'sku-2' }] });
    expect(sent(runBlock(unlinked, { channel: 'telegram' }).effects)).toEqual([
      {
        type: 'list',
        text: 'Our picks, Ada',
        buttonText: 'View products',
        sections: [
          {
            rows: [
              { id: 'sku-1', title: 'Mug' },
              { id: 'sku-2', title: 'sku-2' },
            ],
          },
        ],
      },
    ]);
  });

  it.each([
    [{ catalogId: '', products: [{ id: 'a' }] }, 'data.catalogId'],
    [{ catalogId: 'c', products: [{ id: 'a' }, { id: 'a' }] }, 'data.products'],
    [
      { catalogId: 'c', products: Array.from({ length: 31 }, (_, i) => ({ id: `p${i}` })) },
      'data.products',
    ],
    [{ catalogId: 'c', products: [{ id: 'a', url: 'shop' }] }, 'data.products.0.url'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('catalogue', data)).toBe(path);
  });
});
