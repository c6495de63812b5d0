import { messageContentSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { renderWhatsApp } from './render.js';

/** Renders content as the canonical schema reads it (defaults filled in). */
const render = (content: unknown) => renderWhatsApp(messageContentSchema.parse(content), 'm1');

describe('WhatsApp rendering of canonical messages', () => {
  it('text (link previews on when there is a link), system and reply as text', () => {
    expect(render({ type: 'text', text: 'Hello' })).toEqual([
      { type: 'text', text: { body: 'Hello', preview_url: false } },
    ]);
    expect(render({ type: 'text', text: 'See https://example.com' })).toEqual([
      { type: 'text', text: { body: 'See https://example.com', preview_url: true } },
    ]);
    expect(render({ type: 'system', text: 'Closed' })[0]).toMatchObject({
      text: { body: 'Closed' },
    });
    expect(render({ type: 'reply', replyTo: 'x', title: 'Yes' })[0]).toMatchObject({
      text: { body: 'Yes' },
    });
  });

  it('media by link or by media id; voice as audio; captions only where WhatsApp takes them', () => {
    expect(
      render({
        type: 'media',
        kind: 'image',
        media: { url: 'https://x.test/a.jpg' },
        caption: 'Hi',
      }),
    ).toEqual([{ type: 'image', image: { link: 'https://x.test/a.jpg', caption: 'Hi' } }]);
    expect(render({ type: 'media', kind: 'video', media: { mediaId: '123' } })).toEqual([
      { type: 'video', video: { id: '123' } },
    ]);
    expect(
      render({
        type: 'media',
        kind: 'document',
        media: { url: 'https://x.test/r.pdf', filename: 'report.pdf' },
        caption: 'Report',
      }),
    ).toEqual([
      {
        type: 'document',
        document: { link: 'https://x.test/r.pdf', caption: 'Report', filename: 'report.pdf' },
      },
    ]);
    expect(
      render({ type: 'media', kind: 'voice', media: { mediaId: '9' }, caption: 'Listen' }),
    ).toEqual([
      { type: 'audio', audio: { id: '9' } },
      { type: 'text', text: { body: 'Listen', preview_url: false } },
    ]);
    expect(render({ type: 'media', kind: 'sticker', media: { mediaId: 's' } })).toEqual([
      { type: 'sticker', sticker: { id: 's' } },
    ]);
  });

  it('location and contacts', () => {
    expect(
      render({
        type: 'location',
        latitude: 52.5,
        longitude: 13.4,
        name: 'Office',
        address: 'Main St',
      }),
    ).toEqual([
      {
        type: 'location',
        location: { latitude: 52.5, longitude: 13.4, name: 'Office', address: 'Main St' },
      },
    ]);
    expect(
      render({
        type: 'contacts',
        contacts: [{ name: 'Grace Brewster Hopper', phones: ['+15550100'], emails: ['g@x.test'] }],
      }),
    ).toEqual([
      {
        type: 'contacts',
        contacts: [
          {
            name: {
              formatted_name: 'Grace Brewster Hopper',
              first_name: 'Grace',
              last_name: 'Brewster Hopper',
            },
            phones: [{ phone: '+15550100', type: 'CELL' }],
            emails: [{ email: 'g@x.test', type: 'WORK' }],
          },
        ],
      },
    ]);
  });

  it('templates with header, body and button parameters', () => {
    expect(
      render({
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        parameters: {
          header: ['https://x.test/banner.jpg'],
          body: ['Ada', '42'],
          buttons: { url: 'track/42', copy_code: 'SAVE10', quick_reply_2: 'stop' },
        },
      }),
    ).toEqual([
      {
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'header',
              parameters: [{ type: 'image', image: { link: 'https://x.test/banner.jpg' } }],
            },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ada' },
                { type: 'text', text: '42' },
              ],
            },
            {
              type: 'button',
              sub_type: 'url',
              index: '0',
              parameters: [{ type: 'text', text: 'track/42' }],
            },
            {
              type: 'button',
              sub_type: 'copy_code',
              index: '1',
              parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '2',
              parameters: [{ type: 'payload', payload: 'stop' }],
            },
          ],
        },
      },
    ]);
    expect(render({ type: 'template', name: 'hello_world' })).toEqual([
      { type: 'template', template: { name: 'hello_world', language: { code: 'en' } } },
    ]);
    const [textHeader] = render({
      type: 'template',
      name: 't',
      parameters: { header: ['John'] },
    });
    expect(textHeader).toMatchObject({
      template: { components: [{ type: 'header', parameters: [{ type: 'text', text: 'John' }] }] },
    });
  });

  it('WhatsApp Flows and products', () => {
    expect(
      render({
        type: 'whatsapp_flow',
        flowId: '1234',
        cta: 'Book',
        screen: 'START',
        text: 'Book a slot',
      }),
    ).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'flow',
          body: { text: 'Book a slot' },
          action: {
            name: 'flow',
            parameters: {
              flow_message_version: '3',
              flow_token: 'm1',
              flow_id: '1234',
              flow_cta: 'Book',
              flow_action: 'navigate',
              flow_action_payload: { screen: 'START' },
            },
          },
        },
      },
    ]);
    expect(render({ type: 'product', catalogId: 'c', productIds: ['sku1'], text: 'Look' })).toEqual(
      [
        {
          type: 'interactive',
          interactive: {
            type: 'product',
            body: { text: 'Look' },
            action: { catalog_id: 'c', product_retailer_id: 'sku1' },
          },
        },
      ],
    );
    expect(render({ type: 'product', catalogId: 'c', productIds: ['a', 'b'] })).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'product_list',
          header: { type: 'text', text: 'Products' },
          body: { text: 'Products' },
          action: {
            catalog_id: 'c',
            sections: [
              {
                title: 'Products',
                product_items: [{ product_retailer_id: 'a' }, { product_retailer_id: 'b' }],
              },
            ],
          },
        },
      },
    ]);
  });

  it('form, file request, date picker and slider fall back to text', () => {
    const body = (content: unknown) => {
      const [part] = render(content);
      return JSON.stringify(part);
    };
    expect(
      render({
        type: 'form',
        title: 'Sign up',
        fields: [
          { name: 'n', label: 'Name', kind: 'text', required: true },
          { name: 's', label: 'Size', kind: 'select', options: ['S', 'M'] },
        ],
      }),
    ).toEqual([
      {
        type: 'text',
        text: { body: 'Sign up\n1. Name *\n2. Size (S / M)', preview_url: false },
      },
    ]);
    expect(body({ type: 'file_request', text: 'Send your ID', accept: ['image/*'] })).toContain(
      'Send your ID\\n(image/*)',
    );
    expect(body({ type: 'date_picker', text: 'When?' })).toContain('When?\\n(YYYY-MM-DD)');
    expect(body({ type: 'slider', text: 'Rate us', min: 1, max: 5 })).toContain('Rate us\\n(1–5)');
  });
});
