import { messageContentSchema, type MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { renderGraphMessage, splitText } from './graph-render.js';

const content = (value: unknown): MessageContent => messageContentSchema.parse(value);
const messenger = (value: unknown) => renderGraphMessage(content(value), 'messenger');
const instagram = (value: unknown) => renderGraphMessage(content(value), 'instagram');

describe('rendering canonical content for the Send API', () => {
  it('sends text as is, and splits long text at word boundaries under the limit', () => {
    expect(messenger({ type: 'text', text: 'Hello' })).toEqual([{ text: 'Hello' }]);
    const long = Array.from({ length: 450 }, (_, i) => `word${String(i)}`).join(' ');
    const parts = messenger({ type: 'text', text: long });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect('text' in part && part.text.length <= 2_000).toBe(true);
    expect(parts.map((part) => ('text' in part ? part.text : '')).join(' ')).toBe(long);
    // Instagram's limit is lower.
    expect(instagram({ type: 'text', text: long }).length).toBeGreaterThan(parts.length);
    expect(splitText('a'.repeat(2_500), 2_000)).toEqual(['a'.repeat(2_000), 'a'.repeat(500)]);
  });

  it('sends media by URL (reusable) or attachment id, the caption as a following text', () => {
    expect(
      messenger({
        type: 'media',
        kind: 'image',
        media: { url: 'https://cdn.example/cat.jpg' },
        caption: 'A cat',
      }),
    ).toEqual([
      {
        attachment: {
          type: 'image',
          payload: { url: 'https://cdn.example/cat.jpg', is_reusable: true },
        },
      },
      { text: 'A cat' },
    ]);
    expect(messenger({ type: 'media', kind: 'document', media: { mediaId: '1234' } })).toEqual([
      { attachment: { type: 'file', payload: { attachment_id: '1234' } } },
    ]);
    const voice = messenger({
      type: 'media',
      kind: 'voice',
      media: { url: 'https://x.example/a.ogg' },
    });
    expect(voice[0]).toMatchObject({ attachment: { type: 'audio' } });
  });

  it('renders up to three buttons as a button template (postback, web_url, phone_number)', () => {
    const parts = messenger({
      type: 'buttons',
      text: 'Pick one',
      buttons: [
        { type: 'reply', id: 'yes', title: 'Yes please, absolutely yes' },
        { type: 'url', title: 'Site', url: 'https://example.com/' },
        { type: 'call', title: 'Call us', phone: '+15551234567' },
      ],
    });
    expect(parts).toEqual([
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'Pick one',
            buttons: [
              { type: 'postback', title: 'Yes please, absolut…', payload: 'yes' },
              { type: 'web_url', title: 'Site', url: 'https://example.com/' },
              { type: 'phone_number', title: 'Call us', payload: '+15551234567' },
            ],
          },
        },
      },
    ]);
    // Instagram has no call button: the number goes into the text.
    const [template] = instagram({
      type: 'buttons',
      text: 'Pick one',
      buttons: [
        { type: 'reply', id: 'yes', title: 'Yes' },
        { type: 'call', title: 'Call us', phone: '+15551234567' },
      ],
    });
    expect(template).toMatchObject({
      attachment: {
        payload: {
          text: 'Pick one\nCall us: +15551234567',
          buttons: [{ type: 'postback', title: 'Yes', payload: 'yes' }],
        },
      },
    });
  });

  it('turns more than three buttons into quick replies, links into text lines', () => {
    const buttons = ['a', 'b', 'c', 'd'].map((id) => ({
      type: 'reply',
      id,
      title: id.toUpperCase(),
    }));
    const [part] = messenger({
      type: 'buttons',
      text: 'Choose',
      buttons: [...buttons, { type: 'url', title: 'Docs', url: 'https://docs.example/' }],
    });
    expect(part).toEqual({
      text: 'Choose\nDocs: https://docs.example/',
      quick_replies: ['a', 'b', 'c', 'd'].map((id) => ({
        content_type: 'text',
        title: id.toUpperCase(),
        payload: id,
      })),
    });
  });

  it('sends quick replies (at most 13) on the last text chunk', () => {
    const replies = Array.from({ length: 13 }, (_, i) => ({
      id: `r${String(i)}`,
      title: `Option ${String(i)}`,
    }));
    const [part] = messenger({ type: 'quick_replies', text: 'Which?', replies });
    expect(part).toMatchObject({ text: 'Which?' });
    expect(part !== undefined && 'quick_replies' in part ? part.quick_replies : []).toHaveLength(
      13,
    );
  });

  it('renders lists: three rows as a button template (descriptions in the text), more as quick replies', () => {
    const [small] = messenger({
      type: 'list',
      text: 'Menu',
      buttonText: 'Open',
      sections: [
        {
          rows: [
            { id: 'tea', title: 'Tea', description: 'Green or black' },
            { id: 'coffee', title: 'Coffee' },
          ],
        },
      ],
    });
    expect(small).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Menu\n• Tea: Green or black',
          buttons: [
            { type: 'postback', title: 'Tea', payload: 'tea' },
            { type: 'postback', title: 'Coffee', payload: 'coffee' },
          ],
        },
      },
    });
    const rows = Array.from({ length: 15 }, (_, i) => ({
      id: `row${String(i)}`,
      title: `Row ${String(i)}`,
    }));
    const [large] = messenger({
      type: 'list',
      text: 'Menu',
      buttonText: 'Open',
      sections: [
        { title: 'A', rows: rows.slice(0, 8) },
        { title: 'B', rows: rows.slice(8) },
      ],
    });
    expect(large !== undefined && 'quick_replies' in large ? large.quick_replies : []).toHaveLength(
      13,
    );
  });

  it('renders a carousel as a generic template with up to three buttons per card', () => {
    const [part] = messenger({
      type: 'carousel',
      cards: [
        {
          title: 'Shoe',
          subtitle: 'Red',
          imageUrl: 'https://shop.example/shoe.png',
          buttons: [{ type: 'reply', id: 'buy-shoe', title: 'Buy' }],
        },
        { title: 'Hat' },
      ],
    });
    expect(part).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            {
              title: 'Shoe',
              subtitle: 'Red',
              image_url: 'https://shop.example/shoe.png',
              buttons: [{ type: 'postback', title: 'Buy', payload: 'buy-shoe' }],
            },
            { title: 'Hat' },
          ],
        },
      },
    });
  });

  it('falls back to text for what Messenger cannot show', () => {
    const only = (value: unknown) => {
      const parts = messenger(value);
      expect(parts).toHaveLength(1);
      const [part] = parts;
      return part !== undefined && 'text' in part ? part.text : undefined;
    };
    expect(only({ type: 'location', latitude: 52.5, longitude: 13.4, name: 'Office' })).toBe(
      'Office — 52.5,13.4\nhttps://maps.google.com/?q=52.5,13.4',
    );
    expect(only({ type: 'contacts', contacts: [{ name: 'Ada', phones: ['+4912345'] }] })).toBe(
      'Ada\n+4912345',
    );
    expect(
      only({ type: 'template', name: 'order_update', parameters: { body: ['Ada', '#42'] } }),
    ).toBe('[template order_update] Ada #42');
    expect(
      only({
        type: 'form',
        title: 'Sign up',
        fields: [
          { name: 'name', label: 'Name', kind: 'text', required: true },
          { name: 'size', label: 'Size', kind: 'select', options: ['S', 'M'] },
        ],
      }),
    ).toBe('Sign up\n1. Name *\n2. Size (S / M)');
    expect(only({ type: 'date_picker', text: 'When?' })).toBe(
      'When?\n(Reply with a date, e.g. 2025-01-31)',
    );
    expect(only({ type: 'file_request', text: 'Your ID?' })).toBe(
      'Your ID?\n(Send the file in this chat.)',
    );
    expect(only({ type: 'slider', text: 'Rate', min: 0, max: 100, step: 1 })).toBe('Rate\n(0–100)');
    expect(only({ type: 'product', catalogId: 'c', productIds: ['p1'] })).toBe('[products p1]');
    expect(only({ type: 'whatsapp_flow', flowId: 'f', cta: 'Open', text: 'Book' })).toBe('Book');
  });

  it('offers a short slider as quick replies and a WhatsApp Flow with a fallback URL as a link button', () => {
    const [slider] = messenger({ type: 'slider', text: 'Rate us', min: 1, max: 5 });
    expect(slider).toMatchObject({
      text: 'Rate us',
      quick_replies: ['1', '2', '3', '4', '5'].map((v) => ({ title: v, payload: v })),
    });
    const [flow] = messenger({
      type: 'whatsapp_flow',
      flowId: 'f',
      cta: 'Book now',
      text: 'Book a table',
      fallbackUrl: 'https://book.example/',
    });
    expect(flow).toMatchObject({
      attachment: {
        payload: {
          template_type: 'button',
          buttons: [{ type: 'web_url', title: 'Book now', url: 'https://book.example/' }],
        },
      },
    });
  });
});
