import { messageContentSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { subjectOf } from './email-adapter.js';
import { renderEmail } from './email-render.js';

const render = (value: unknown) => renderEmail(messageContentSchema.parse(value));

describe('rendering canonical content as e-mail', () => {
  it('sends text as text and escaped HTML', () => {
    expect(render({ type: 'text', text: 'Hi <Ada>\nbye' })).toEqual({
      text: 'Hi <Ada>\nbye',
      html: '<p>Hi &lt;Ada&gt;<br>bye</p>',
    });
  });

  it('turns buttons into a numbered list: links for URL and call buttons, titles for answers', () => {
    const email = render({
      type: 'buttons',
      text: 'How can we help?',
      buttons: [
        { type: 'reply', id: 'order', title: 'My order' },
        { type: 'url', title: 'FAQ', url: 'https://acme.test/faq?a=1&b=2' },
        { type: 'call', title: 'Call us', phone: '+15551234567' },
      ],
    });
    expect(email.text).toBe(
      'How can we help?\n\n1. My order\n2. FAQ: https://acme.test/faq?a=1&b=2\n3. Call us: tel:+15551234567\n\nReply with the number or the title of your choice.',
    );
    expect(email.html).toContain(
      '<ol><li>My order</li><li><a href="https://acme.test/faq?a=1&amp;b=2">FAQ</a></li>',
    );
    expect(email.html).toContain('<a href="tel:+15551234567">Call us</a>');
  });

  it('numbers quick replies and list rows (with descriptions)', () => {
    expect(
      render({
        type: 'quick_replies',
        text: 'Size?',
        replies: [
          { id: 's', title: 'S' },
          { id: 'm', title: 'M' },
        ],
      }).text,
    ).toBe('Size?\n\n1. S\n2. M\n\nReply with the number or the title of your choice.');
    const list = render({
      type: 'list',
      text: 'Menu',
      buttonText: 'Open',
      sections: [
        { rows: [{ id: 'tea', title: 'Tea', description: 'Green' }] },
        { rows: [{ id: 'c', title: 'Coffee' }] },
      ],
    });
    expect(list.text).toBe(
      'Menu\n\n1. Tea — Green\n2. Coffee\n\nReply with the number or the title of your choice.',
    );
  });

  it('shows a carousel as cards with images and links', () => {
    const email = render({
      type: 'carousel',
      cards: [
        {
          title: 'Shoe',
          subtitle: 'Red',
          imageUrl: 'https://shop.test/shoe.png',
          buttons: [{ type: 'url', title: 'Buy', url: 'https://shop.test/buy' }],
        },
        { title: 'Hat' },
      ],
    });
    expect(email.text).toBe(
      'Shoe\nRed\nhttps://shop.test/shoe.png\n- Buy: https://shop.test/buy\n\nHat',
    );
    expect(email.html).toContain('<img src="https://shop.test/shoe.png"');
    expect(email.html).toContain('<a href="https://shop.test/buy">Buy</a>');
  });

  it('carries media as a file to attach, with its caption as the body', () => {
    expect(
      render({
        type: 'media',
        kind: 'document',
        media: { url: 'https://files.test/a/report.pdf?x=1' },
        caption: 'The report',
      }),
    ).toEqual({
      text: 'The report',
      html: '<p>The report</p>',
      file: { url: 'https://files.test/a/report.pdf?x=1', filename: 'report.pdf', mime: null },
    });
  });

  it('words what e-mail cannot show: forms, pickers, sliders, templates, locations, flows', () => {
    const text = (value: unknown) => render(value).text;
    expect(
      text({ type: 'form', fields: [{ name: 'n', label: 'Name', kind: 'text', required: true }] }),
    ).toBe('Please reply with:\n1. Name *');
    expect(text({ type: 'date_picker', text: 'When?', mode: 'time' })).toBe(
      'When?\n(Reply with a time, e.g. 14:30)',
    );
    expect(text({ type: 'slider', text: 'Rate', min: 1, max: 5 })).toBe('Rate\n(1–5)');
    expect(text({ type: 'file_request', text: 'Your ID?' })).toBe(
      'Your ID?\n(Reply with the file attached.)',
    );
    expect(text({ type: 'template', name: 'welcome', parameters: { body: ['Ada'] } })).toBe(
      '[template welcome] Ada',
    );
    expect(text({ type: 'location', latitude: 1, longitude: 2, name: 'HQ' })).toBe(
      'HQ — 1,2\nhttps://maps.google.com/?q=1,2',
    );
    expect(text({ type: 'contacts', contacts: [{ name: 'Bo', emails: ['bo@x.test'] }] })).toBe(
      'Bo\nbo@x.test',
    );
    expect(
      text({
        type: 'whatsapp_flow',
        flowId: 'f',
        cta: 'Book',
        text: 'Table?',
        fallbackUrl: 'https://b.test/',
      }),
    ).toBe('Table?\nBook: https://b.test/');
    expect(text({ type: 'product', catalogId: 'c', productIds: ['p'], text: 'Look' })).toBe('Look');
  });

  it('replies under the thread subject, else says whose message it answers', () => {
    const thread = { inReplyTo: '<a@x>', references: ['<a@x>'] };
    expect(subjectOf({ ...thread, subject: 'Order 42' }, 'Acme')).toBe('Re: Order 42');
    expect(subjectOf({ ...thread, subject: 'RE: Order 42' }, 'Acme')).toBe('RE: Order 42');
    expect(subjectOf({ ...thread, subject: null }, 'Acme')).toBe('Re: your message to Acme');
    expect(subjectOf({ subject: null, inReplyTo: null, references: [] }, 'Acme')).toBe(
      'Message from Acme',
    );
    expect(subjectOf({ subject: null, inReplyTo: null, references: [] }, 'Acme', 'Hello!')).toBe(
      'Hello!',
    );
  });
});
