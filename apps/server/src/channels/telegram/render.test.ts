import type { MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { renderTelegram } from './render.js';

const one = (content: MessageContent) => {
  const calls = renderTelegram(content);
  expect(calls).toHaveLength(1);
  return calls[0];
};

describe('Telegram rendering of canonical content', () => {
  it('sends text, and cuts it at 4096 characters', () => {
    expect(one({ type: 'text', text: 'Hello' })).toEqual({
      method: 'sendMessage',
      params: { text: 'Hello' },
    });
    const long = renderTelegram({ type: 'text', text: 'x'.repeat(4_096) })[0]?.params.text;
    expect(long).toHaveLength(4_096);
  });

  it('sends each kind of media with its method, by URL or Telegram file_id', () => {
    const media = (kind: 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker') =>
      one({ type: 'media', kind, media: { url: `https://cdn.example/${kind}` }, caption: 'c' });
    expect(media('image')).toEqual({
      method: 'sendPhoto',
      params: { photo: 'https://cdn.example/image', caption: 'c' },
    });
    expect(media('video')?.method).toBe('sendVideo');
    expect(media('audio')?.method).toBe('sendAudio');
    expect(media('voice')?.method).toBe('sendVoice');
    expect(media('document')).toEqual({
      method: 'sendDocument',
      params: { document: 'https://cdn.example/document', caption: 'c' },
    });
    // Stickers have no caption.
    expect(media('sticker')).toEqual({
      method: 'sendSticker',
      params: { sticker: 'https://cdn.example/sticker' },
    });
    expect(one({ type: 'media', kind: 'image', media: { mediaId: 'AgACAgQ' } })).toEqual({
      method: 'sendPhoto',
      params: { photo: 'AgACAgQ' },
    });
  });

  it('renders buttons as an inline keyboard with callback ids, url buttons and phone text', () => {
    expect(
      one({
        type: 'buttons',
        text: 'How can we help?',
        buttons: [
          { type: 'reply', id: 'sales', title: 'Sales' },
          { type: 'url', title: 'Website', url: 'https://acme.example/' },
          { type: 'call', title: 'Call us', phone: '+14155550100' },
          { type: 'reply', id: 'x'.repeat(65), title: 'Long id' },
        ],
      }),
    ).toEqual({
      method: 'sendMessage',
      params: {
        text: 'How can we help?\n\nCall us: +14155550100',
        reply_markup: {
          inline_keyboard: [
            [{ text: 'Sales', callback_data: 'sales' }],
            [{ text: 'Website', url: 'https://acme.example/' }],
            // Over Telegram's 64 bytes: the position, which the flow engine also accepts.
            [{ text: 'Long id', callback_data: '2' }],
          ],
        },
      },
    });
  });

  it('renders quick replies and list rows as inline keyboards', () => {
    expect(
      one({
        type: 'quick_replies',
        text: 'Rate us',
        replies: [
          { id: 'good', title: 'Good' },
          { id: 'bad', title: 'Bad' },
        ],
      })?.params,
    ).toEqual({
      text: 'Rate us',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Good', callback_data: 'good' }],
          [{ text: 'Bad', callback_data: 'bad' }],
        ],
      },
    });
    expect(
      one({
        type: 'list',
        text: 'Pick a plan',
        buttonText: 'Plans',
        sections: [
          { title: 'Monthly', rows: [{ id: 'basic', title: 'Basic', description: '$5' }] },
          { rows: [{ id: 'pro', title: 'Pro' }] },
        ],
      })?.params,
    ).toEqual({
      text: 'Pick a plan\n\nBasic — $5',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Basic', callback_data: 'basic' }],
          [{ text: 'Pro', callback_data: 'pro' }],
        ],
      },
    });
  });

  it('renders a carousel as one photo (or text) message per card with its buttons', () => {
    expect(
      renderTelegram({
        type: 'carousel',
        cards: [
          {
            title: 'Red shoe',
            subtitle: '$40',
            imageUrl: 'https://cdn.example/red.png',
            buttons: [{ type: 'reply', id: 'red', title: 'Buy' }],
          },
          { title: 'Blue shoe', buttons: [] },
        ],
      }),
    ).toEqual([
      {
        method: 'sendPhoto',
        params: {
          photo: 'https://cdn.example/red.png',
          caption: 'Red shoe\n$40',
          reply_markup: { inline_keyboard: [[{ text: 'Buy', callback_data: 'red' }]] },
        },
      },
      { method: 'sendMessage', params: { text: 'Blue shoe' } },
    ]);
  });

  it('sends locations, venues and contacts natively', () => {
    expect(one({ type: 'location', latitude: 1.5, longitude: 2.5 })).toEqual({
      method: 'sendLocation',
      params: { latitude: 1.5, longitude: 2.5 },
    });
    expect(
      one({ type: 'location', latitude: 1.5, longitude: 2.5, name: 'HQ', address: 'Main St 1' }),
    ).toEqual({
      method: 'sendVenue',
      params: { latitude: 1.5, longitude: 2.5, title: 'HQ', address: 'Main St 1' },
    });
    expect(
      renderTelegram({
        type: 'contacts',
        contacts: [
          { name: 'Ada', phones: ['+14155550123'], emails: [] },
          { name: 'Bob', phones: [], emails: ['bob@acme.example'] },
        ],
      }),
    ).toEqual([
      { method: 'sendContact', params: { phone_number: '+14155550123', first_name: 'Ada' } },
      { method: 'sendMessage', params: { text: 'Bob\nbob@acme.example' } },
    ]);
  });

  it('opens a WhatsApp Flow fallback URL from a url button', () => {
    expect(
      one({
        type: 'whatsapp_flow',
        flowId: 'f',
        cta: 'Book',
        text: 'Book a table',
        fallbackUrl: 'https://acme.example/book',
      })?.params,
    ).toEqual({
      text: 'Book a table',
      reply_markup: { inline_keyboard: [[{ text: 'Book', url: 'https://acme.example/book' }]] },
    });
  });

  it('refuses templates and falls back to text for the rest', () => {
    expect(() =>
      renderTelegram({
        type: 'template',
        name: 'order_update',
        language: 'en',
        parameters: { header: [], body: [], buttons: {} },
      }),
    ).toThrow(ChannelSendError);
    const text = (content: MessageContent) => one(content)?.params.text;
    expect(text({ type: 'date_picker', text: 'When?', mode: 'time' })).toBe('When? (HH:MM)');
    expect(text({ type: 'slider', text: 'Rate', min: 0, max: 10, step: 1 })).toBe('Rate (0–10)');
    expect(text({ type: 'file_request', text: 'Send your ID', accept: [] })).toBe('Send your ID');
    expect(
      text({
        type: 'form',
        submitLabel: 'Send',
        fields: [{ name: 'n', label: 'Name', kind: 'text', required: true }],
      }),
    ).toBe('- Name');
    expect(text({ type: 'product', catalogId: 'c', productIds: ['p1'], text: 'Our pick' })).toBe(
      'Our pick',
    );
    expect(text({ type: 'system', text: 'Closed' })).toBe('Closed');
  });
});
