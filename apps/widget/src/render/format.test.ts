import { describe, expect, it } from 'vitest';
import { formatText } from './format.js';

const text = (value: string) => ({ kind: 'text', text: value });

describe('formatText', () => {
  it('keeps plain text, and markup as text', () => {
    expect(formatText('Hello <b>there</b> & co')).toEqual([text('Hello <b>there</b> & co')]);
  });

  it('formats bold, italic, strike and code, nested', () => {
    expect(formatText('*a* _b_ ~c~ `d *e*`')).toEqual([
      { kind: 'bold', children: [text('a')] },
      text(' '),
      { kind: 'italic', children: [text('b')] },
      text(' '),
      { kind: 'strike', children: [text('c')] },
      text(' '),
      { kind: 'code', text: 'd *e*' },
    ]);
    expect(formatText('*very _nice_*')).toEqual([
      { kind: 'bold', children: [text('very '), { kind: 'italic', children: [text('nice')] }] },
    ]);
  });

  it('leaves marks inside words and unclosed or spaced marks alone', () => {
    for (const plain of ['snake_case_name', '2*3*4', '* not bold *', '*open', 'a ` b', '**']) {
      expect(formatText(plain)).toEqual([text(plain)]);
    }
  });

  it('turns line breaks into br tokens', () => {
    expect(formatText('a\r\nb\n\nc')).toEqual([
      text('a'),
      { kind: 'br' },
      text('b'),
      { kind: 'br' },
      { kind: 'br' },
      text('c'),
    ]);
  });

  it('links http(s) URLs without trailing punctuation', () => {
    const link = (href: string) => ({ kind: 'link', href, text: href });
    expect(formatText('See https://x.io/a_b?q=1.')).toEqual([
      text('See '),
      link('https://x.io/a_b?q=1'),
      text('.'),
    ]);
    expect(formatText('(http://x.io/wiki/A_(b)), ok')).toEqual([
      text('('),
      link('http://x.io/wiki/A_(b)'),
      text('), ok'),
    ]);
    expect(formatText('*https://x.io*')).toEqual([
      { kind: 'bold', children: [link('https://x.io')] },
    ]);
  });

  it('never links other schemes or bare prefixes', () => {
    for (const plain of ['javascript:alert(1)', 'xhttps://x.io', 'https://', 'ftp://x.io']) {
      expect(formatText(plain)).toEqual([text(plain)]);
    }
  });
});
