import { messageContentSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { renderWhatsApp } from './render.js';

/** Renders content as the canonical schema reads it (defaults filled in). */
const render = (content: unknown) => renderWhatsApp(messageContentSchema.parse(content), 'm1');

const replies = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${String(i + 1)}`,
    title: `Choice ${String(i + 1)}`,
  }));

describe('WhatsApp rendering of interactive messages and their fallbacks', () => {
  it('up to 3 reply buttons as interactive buttons, titles cut to 20 characters', () => {
    const [body] = render({
      type: 'buttons',
      text: 'Pick one',
      buttons: [
        { type: 'reply', id: 'a', title: 'Yes' },
        { type: 'reply', id: 'b', title: 'A title far longer than twenty' },
      ],
    });
    expect(body).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick one' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'a', title: 'Yes' } },
            { type: 'reply', reply: { id: 'b', title: 'A title far longer…' } },
          ],
        },
      },
    });
  });

  it('4 to 10 reply buttons or quick replies become a list; more a numbered menu', () => {
    const [list] = render({ type: 'quick_replies', text: 'Which?', replies: replies(5) });
    expect(list).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which?' },
        action: { button: 'Choose', sections: [{ rows: replies(5) }] },
      },
    });
    const [buttons] = render({
      type: 'buttons',
      text: 'Which?',
      buttons: replies(10).map((reply) => ({ type: 'reply', ...reply })),
    });
    expect(buttons).toMatchObject({ interactive: { type: 'list' } });
    const [menu] = render({ type: 'quick_replies', text: 'Which?', replies: replies(12) });
    expect(menu).toEqual({
      type: 'text',
      text: {
        body: `Which?\n\n${replies(12)
          .map((reply, i) => `${String(i + 1)}. ${reply.title}`)
          .join('\n')}\n\nReply with a number.`,
        preview_url: false,
      },
    });
  });

  it('one URL button alone is a CTA URL message; other links join the text', () => {
    expect(
      render({
        type: 'buttons',
        text: 'Our site',
        buttons: [{ type: 'url', title: 'Open', url: 'https://example.com' }],
      }),
    ).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'Our site' },
          action: {
            name: 'cta_url',
            parameters: { display_text: 'Open', url: 'https://example.com' },
          },
        },
      },
    ]);
    const [mixed] = render({
      type: 'buttons',
      text: 'Help',
      buttons: [
        { type: 'reply', id: 'agent', title: 'Agent' },
        { type: 'call', title: 'Call us', phone: '+15550100' },
      ],
    });
    expect(mixed).toMatchObject({
      interactive: {
        type: 'button',
        body: { text: 'Help\nCall us: +15550100' },
        action: { buttons: [{ type: 'reply', reply: { id: 'agent', title: 'Agent' } }] },
      },
    });
  });

  it('lists: sections with titles, long row titles moved to the description; > 10 rows numbered', () => {
    const [list] = render({
      type: 'list',
      text: 'Menu',
      buttonText: 'See options',
      sections: [
        { title: 'Food', rows: [{ id: 'f1', title: 'A very long dish name that will not fit' }] },
        { rows: [{ id: 'd1', title: 'Tea', description: 'Hot' }] },
      ],
    });
    expect(list).toEqual({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Menu' },
        action: {
          button: 'See options',
          sections: [
            {
              title: 'Food',
              rows: [
                {
                  id: 'f1',
                  title: 'A very long dish name t…',
                  description: 'A very long dish name that will not fit',
                },
              ],
            },
            { title: 'See options', rows: [{ id: 'd1', title: 'Tea', description: 'Hot' }] },
          ],
        },
      },
    });
    const [long] = render({
      type: 'list',
      text: 'Menu',
      buttonText: 'Open',
      sections: [{ rows: replies(11) }],
    });
    expect(long).toMatchObject({ type: 'text' });
    expect(JSON.stringify(long)).toContain('11. Choice 11');
  });

  it('a carousel is one message per card: image header with its reply buttons, or image and caption', () => {
    const parts = render({
      type: 'carousel',
      cards: [
        {
          title: 'Red',
          subtitle: 'Warm',
          imageUrl: 'https://x.test/red.png',
          buttons: [{ type: 'reply', id: 'red', title: 'Take red' }],
        },
        { title: 'Blue', imageUrl: 'https://x.test/blue.png' },
        { title: 'Green' },
      ],
    });
    expect(parts).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { link: 'https://x.test/red.png' } },
          body: { text: 'Red\nWarm' },
          action: { buttons: [{ type: 'reply', reply: { id: 'red', title: 'Take red' } }] },
        },
      },
      { type: 'image', image: { link: 'https://x.test/blue.png', caption: 'Blue' } },
      { type: 'text', text: { body: 'Green', preview_url: false } },
    ]);
  });
});
