import { describe, expect, it } from 'vitest';
import { contentHash, normalizeForHash } from './content-hash.js';

describe('contentHash', () => {
  it('is a sha256 hex digest', () => {
    expect(contentHash('hello')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });

  it('ignores line endings, whitespace runs and Unicode composition', () => {
    const base = contentHash('Größe und\nPreis');
    expect(contentHash('  Größe  und\r\nPreis \n')).toBe(base);
    expect(contentHash('Gro\u0308ße und\tPreis')).toBe(base); // decomposed ö
  });

  it('changes when the content changes', () => {
    expect(contentHash('Price: 49 EUR')).not.toBe(contentHash('Price: 59 EUR'));
    expect(contentHash('price')).not.toBe(contentHash('Price'));
  });

  it('turns every run of whitespace into one space', () => {
    const pieces = ['a', ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u3000', ' \n ', 'ü', '.'];
    let seed = 11;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (let i = 0; i < 300; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 10) },
        () => pieces[Math.floor(random() * pieces.length)] ?? '',
      ).join('');
      expect(normalizeForHash(text)).toBe(text.normalize('NFC').replace(/\s+/gu, ' ').trim());
    }
  });
});
