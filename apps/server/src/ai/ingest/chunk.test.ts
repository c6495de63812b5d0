import { describe, expect, it } from 'vitest';
import { chunkDocument, countTokens } from './chunk.js';
import type { Block } from './types.js';

const doc = (blocks: Block[]): { title: string; blocks: Block[] } => ({ title: 'T', blocks });

// ~1,500 tokens of distinct sentences, so overlaps can be located unambiguously.
const longParagraph = Array.from(
  { length: 120 },
  (_, i) => `Sentence number ${i} explains how the refund rule ${i} applies to annual plans.`,
).join(' ');

describe('chunkDocument', () => {
  it('packs small blocks under one heading path and starts a new chunk per section', () => {
    const chunks = chunkDocument(
      doc([
        { kind: 'heading', level: 1, text: 'Pricing' },
        { kind: 'paragraph', text: 'We have three plans.' },
        { kind: 'heading', level: 2, text: 'Plans' },
        { kind: 'paragraph', text: 'Starter is free.' },
        { kind: 'list', items: ['Pro: 49 EUR', 'Team: 99 EUR'] },
        { kind: 'heading', level: 2, text: 'Discounts' },
        { kind: 'paragraph', text: 'Nonprofits get 50% off.' },
        { kind: 'heading', level: 1, text: 'Support' },
        { kind: 'paragraph', text: 'Email us.' },
      ]),
    );
    expect(chunks.map((c) => [c.section, c.text])).toEqual([
      ['Pricing', 'We have three plans.'],
      ['Pricing > Plans', 'Starter is free.\n\n- Pro: 49 EUR\n- Team: 99 EUR'],
      ['Pricing > Discounts', 'Nonprofits get 50% off.'],
      ['Support', 'Email us.'],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
    for (const chunk of chunks) expect(chunk.tokens).toBe(countTokens(chunk.text));
  });

  it('gives text before the first heading a null section', () => {
    const [chunk] = chunkDocument(doc([{ kind: 'paragraph', text: 'Intro.' }]));
    expect(chunk?.section).toBeNull();
  });

  it('closes a packed chunk before it would exceed maxTokens, without cutting a block', () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => ({
      kind: 'paragraph' as const,
      text: `Paragraph ${i}: ${'the service keeps working during maintenance windows. '.repeat(3)}`,
    }));
    const chunks = chunkDocument(doc(paragraphs), { maxTokens: 200 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(200);
      // Every paragraph appears whole in exactly one chunk.
      for (const part of chunk.text.split('\n\n')) expect(part).toMatch(/^Paragraph \d+: /u);
    }
    expect(chunks.map((c) => c.text).join('\n\n')).toBe(
      paragraphs.map((p) => p.text.trim()).join('\n\n'),
    );
  });

  it('splits a paragraph over maxTokens at sentences, each piece within budget and overlapping the previous one', () => {
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: longParagraph }]));
    expect(countTokens(longParagraph)).toBeGreaterThan(1000);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(500);
    for (let i = 1; i < chunks.length; i += 1) {
      const previous = chunks[i - 1]?.text ?? '';
      const current = chunks[i]?.text ?? '';
      // The piece opens with the previous piece's last words (~50 tokens of them).
      const sharedWords = current.split(' ').slice(0, 8).join(' ');
      expect(previous.endsWith(sharedWords) || previous.includes(`${sharedWords} `)).toBe(true);
      const overlap = longestSuffixPrefix(previous, current);
      expect(countTokens(overlap)).toBeGreaterThan(30);
      expect(countTokens(overlap)).toBeLessThanOrEqual(50);
    }
    // Nothing is lost: every sentence is somewhere.
    for (let i = 0; i < 120; i += 1) {
      expect(chunks.some((c) => c.text.includes(`refund rule ${i} applies`))).toBe(true);
    }
  });

  it('repeats the header row in every piece of a table larger than maxTokens', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`SKU-${i}`, `Widget ${i}`, `${i}.99`]);
    const chunks = chunkDocument(doc([{ kind: 'table', header: ['SKU', 'Name', 'Price'], rows }]), {
      maxTokens: 300,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('| SKU | Name | Price |\n| --- | --- | --- |\n')).toBe(true);
      expect(chunk.tokens).toBeLessThanOrEqual(300);
    }
    const bodyRows = chunks.flatMap((c) => c.text.split('\n').slice(2));
    expect(bodyRows).toHaveLength(300);
    expect(bodyRows[299]).toBe('| SKU-299 | Widget 299 | 299.99 |');
  });

  it('splits a long list between items, never inside one', () => {
    const items = Array.from({ length: 200 }, (_, i) => `Step ${i}: restart the router and wait.`);
    const chunks = chunkDocument(doc([{ kind: 'list', items }]), { maxTokens: 120 });
    expect(chunks.length).toBeGreaterThan(5);
    const lines = chunks.flatMap((c) => c.text.split('\n'));
    expect(lines).toEqual(items.map((item) => `- ${item}`));
  });

  it('splits long code at line ends', () => {
    const code = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i});`).join(
      '\n',
    );
    const chunks = chunkDocument(doc([{ kind: 'code', text: code }]), {
      maxTokens: 200,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(200);
      for (const line of chunk.text.split('\n')) expect(code.split('\n')).toContain(line);
    }
  });

  it('cuts an unbroken run (a long URL, unspaced text) inside the word as a last resort', () => {
    const blob = 'x7Qa'.repeat(3000);
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: blob }]), {
      maxTokens: 100,
      overlapTokens: 0,
    });
    expect(chunks.map((c) => c.text).join('')).toBe(blob);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(100);
  });

  it('cuts unspaced CJK with emoji without breaking a character', () => {
    const text = '日本語🎉テキストの処理'.repeat(300);
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text }]), {
      maxTokens: 100,
      overlapTokens: 0,
    });
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(100);
      expect(chunk.text).not.toContain('\uFFFD');
    }
  });

  it('splits Japanese at 。 and counts its tokens', () => {
    const sentence = '当社のサービスは年中無休でご利用いただけます。';
    const text = sentence.repeat(100);
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text }]), {
      maxTokens: 200,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(200);
      expect(chunk.tokens).toBe(countTokens(chunk.text));
    }
    // Without overlap the first piece would end exactly at a sentence.
    expect(chunks[0]?.text.endsWith('。')).toBe(true);
  });

  it('rejects nonsensical budgets', () => {
    expect(() => chunkDocument(doc([]), { maxTokens: 0 })).toThrow(RangeError);
    expect(() => chunkDocument(doc([]), { overlapTokens: -1 })).toThrow(RangeError);
  });
});

describe('countTokens', () => {
  it('counts with a real BPE tokenizer, multilingual text included', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('Größenänderung der Übersicht')).toBeGreaterThan(4);
    expect(countTokens('日本語のテキスト')).toBeGreaterThan(3);
  });

  it('treats special-token markers in documents as ordinary text', () => {
    expect(countTokens('see <|endoftext|> here')).toBeGreaterThan(3);
  });
});

function longestSuffixPrefix(previous: string, current: string): string {
  for (let length = Math.min(previous.length, current.length); length > 0; length -= 1) {
    if (previous.endsWith(current.slice(0, length))) return current.slice(0, length);
  }
  return '';
}
