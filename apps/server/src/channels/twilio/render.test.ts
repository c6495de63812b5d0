import type { MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { pickChoice } from '../../engine/blocks/interactive.js';
import { messageForm, renderTwilio, type TwilioMessage } from './render.js';

const sms = (content: MessageContent): TwilioMessage => renderTwilio(content, 'sms');
const body = (content: MessageContent): string => sms(content).body;

describe('Twilio rendering of canonical content', () => {
  it('sends text as is, and cuts bodies over 1600 characters visibly', () => {
    expect(sms({ type: 'text', text: 'Hello' })).toEqual({ body: 'Hello', mediaUrls: [] });
    const long = body({ type: 'text', text: 'x'.repeat(2_000) });
    expect(long).toHaveLength(1_600);
    expect(long.endsWith('…')).toBe(true);
  });

  it('sends media by URL (MMS) with the caption as body, and refuses id-only media', () => {
    expect(
      sms({
        type: 'media',
        kind: 'image',
        media: { url: 'https://cdn.example/a.png' },
        caption: 'Our menu',
      }),
    ).toEqual({ body: 'Our menu', mediaUrls: ['https://cdn.example/a.png'] });
    const idOnly = () => sms({ type: 'media', kind: 'document', media: { mediaId: 'm1' } });
    expect(idOnly).toThrow(ChannelSendError);
    expect(idOnly).toThrow(/public URL/);
  });

  it('numbers reply buttons and writes links out unnumbered', () => {
    expect(
      body({
        type: 'buttons',
        text: 'How can we help?',
        buttons: [
          { type: 'reply', id: 'sales', title: 'Sales' },
          { type: 'url', title: 'Website', url: 'https://acme.example/' },
          { type: 'reply', id: 'support', title: 'Support' },
          { type: 'call', title: 'Call us', phone: '+14155550100' },
        ],
      }),
    ).toBe(
      'How can we help?\n\n1. Sales\n2. Support\n\nWebsite: https://acme.example/\nCall us: +14155550100',
    );
    expect(
      body({
        type: 'quick_replies',
        text: 'Rate us',
        replies: [
          { id: 'good', title: 'Good' },
          { id: 'bad', title: 'Bad' },
        ],
      }),
    ).toBe('Rate us\n\n1. Good\n2. Bad');
  });

  it('numbers list rows across sections, as the flow engine counts them', () => {
    expect(
      body({
        type: 'list',
        text: 'Pick a plan',
        buttonText: 'Plans',
        sections: [
          { title: 'Monthly', rows: [{ id: 'm1', title: 'Basic', description: '$5' }] },
          { rows: [{ id: 'y1', title: 'Pro' }] },
        ],
      }),
    ).toBe('Pick a plan\n\nMonthly\n1. Basic — $5\n\n2. Pro');
  });

  it('numbers exactly as the flow engine resolves a typed number', () => {
    const rows = [
      { id: 'a', title: 'Alpha' },
      { id: 'b', title: 'Beta' },
      { id: 'c', title: 'Gamma' },
    ];
    const text = body({
      type: 'list',
      text: 'Pick',
      buttonText: 'Open',
      sections: [{ title: 'First', rows: rows.slice(0, 1) }, { rows: rows.slice(1) }],
    });
    for (const line of text.split('\n').filter((entry) => /^\d+\. /.test(entry))) {
      const [number = '', title] = line.split('. ');
      expect(pickChoice(rows, { type: 'text', text: number })?.title).toBe(title);
    }
  });

  it('renders a carousel as cards with reply buttons numbered across cards', () => {
    expect(
      body({
        type: 'carousel',
        cards: [
          {
            title: 'Red shoe',
            subtitle: '$40',
            imageUrl: 'https://cdn.example/red.png',
            buttons: [{ type: 'reply', id: 'red', title: 'Buy red' }],
          },
          {
            title: 'Blue shoe',
            buttons: [
              { type: 'reply', id: 'blue', title: 'Buy blue' },
              { type: 'url', title: 'Details', url: 'https://acme.example/blue' },
            ],
          },
        ],
      }),
    ).toBe(
      'Red shoe\n$40\nhttps://cdn.example/red.png\n\n1. Buy red\n\n' +
        'Blue shoe\n\n2. Buy blue\n\nDetails: https://acme.example/blue',
    );
  });

  it('sends a location as text with a map link, and as a pin on WhatsApp', () => {
    const location: MessageContent = {
      type: 'location',
      latitude: 37.78789,
      longitude: -122.391664,
      name: 'Acme HQ',
      address: '375 Beale St',
    };
    expect(sms(location)).toEqual({
      body: 'Acme HQ\n375 Beale St\nhttps://maps.google.com/?q=37.78789,-122.391664',
      mediaUrls: [],
    });
    expect(renderTwilio(location, 'whatsapp').persistentAction).toBe(
      'geo:37.78789,-122.391664|Acme HQ',
    );
  });

  it('sends templates by Content SID with numbered variables, and refuses other names', () => {
    const sid = `HX${'a'.repeat(32)}`;
    expect(
      renderTwilio(
        {
          type: 'template',
          name: sid,
          language: 'en',
          parameters: { header: [], body: ['Ada', '42'], buttons: {} },
        },
        'whatsapp',
      ),
    ).toEqual({
      body: '',
      mediaUrls: [],
      contentSid: sid,
      contentVariables: '{"1":"Ada","2":"42"}',
    });
    expect(() =>
      sms({
        type: 'template',
        name: 'order_update',
        language: 'en',
        parameters: { header: [], body: [], buttons: {} },
      }),
    ).toThrow(/Content SID/);
  });

  it('falls back to text for every other type', () => {
    expect(
      body({ type: 'contacts', contacts: [{ name: 'Ada', phones: ['+1415'], emails: [] }] }),
    ).toBe('Ada\n+1415');
    expect(
      body({
        type: 'form',
        title: 'Sign up',
        submitLabel: 'Send',
        fields: [{ name: 'email', label: 'E-mail', kind: 'email', required: true }],
      }),
    ).toBe('Sign up\n\n- E-mail');
    expect(body({ type: 'file_request', text: 'Send your ID', accept: [] })).toBe('Send your ID');
    expect(body({ type: 'date_picker', text: 'When?', mode: 'date' })).toBe('When? (YYYY-MM-DD)');
    expect(body({ type: 'slider', text: 'Rate', min: 1, max: 5, step: 1 })).toBe('Rate (1–5)');
    expect(body({ type: 'product', catalogId: 'c', productIds: ['p1', 'p2'] })).toBe(
      'Products: p1, p2',
    );
    expect(
      body({
        type: 'whatsapp_flow',
        flowId: 'f',
        cta: 'Open',
        text: 'Book a table',
        fallbackUrl: 'https://acme.example/book',
      }),
    ).toBe('Book a table\n\nhttps://acme.example/book');
    expect(body({ type: 'system', text: 'Assigned to Sales' })).toBe('Assigned to Sales');
    expect(body({ type: 'reply', replyTo: 'x', title: 'Yes' })).toBe('Yes');
  });

  it('builds the Messages API form with the status callback and a sender', () => {
    const form = messageForm(
      { body: 'Hi', mediaUrls: ['https://a.example/1.png', 'https://a.example/2.png'] },
      { to: '+14155550123', from: '+14155550100', service: null },
      'https://parley.example/webhooks/channels/abc',
    );
    expect([...form]).toEqual([
      ['To', '+14155550123'],
      ['From', '+14155550100'],
      ['Body', 'Hi'],
      ['MediaUrl', 'https://a.example/1.png'],
      ['MediaUrl', 'https://a.example/2.png'],
      ['StatusCallback', 'https://parley.example/webhooks/channels/abc'],
    ]);
    const service = messageForm(
      { body: 'Hi', mediaUrls: [] },
      { to: '+1', from: '+2', service: 'MG1' },
      'u',
    );
    expect(service.get('MessagingServiceSid')).toBe('MG1');
    expect(service.has('From')).toBe(false);
  });
});
