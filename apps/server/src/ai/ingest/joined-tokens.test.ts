import { describe, expect, it } from 'vitest';
import { countJoined } from './joined-tokens.js';
import { countTokens } from './tokens.js';

// Texts whose edges merge or split differently once joined: punctuation that takes the
// following newlines into its piece, contractions, numbers, runs of spaces, indentation,
// non-Latin scripts, emoji and text without any space at all.
const EDGES = [
  'Refunds take 5 days.',
  'Ends with a question?',
  'Quoted "end"',
  "ends with a contraction: don't",
  "it's",
  '1234567',
  'trailing spaces   ',
  '   leading spaces',
  '  indented code();\n    more();',
  '- item one\n- item two',
  '| a | b |\n| --- | --- |\n| 1 | 2 |',
  '日本語のテキスト。次の文です。',
  'naïve café résumé',
  'emoji 😀😀 end 😀',
  'https://example.com/a?b=1&c=2',
  'QmFzZTY0QmxvYldpdGhvdXRTcGFjZXM=',
  'tab\tseparated\twords',
  'word',
  '.',
  ' ',
  '',
  'nbsp\u00a0here and\u3000ideographic space',
  '<|endoftext|> is just text',
];

describe('countJoined', () => {
  it('equals counting the joined text, whatever meets at the seam', () => {
    for (const separator of ['\n\n', '\n', ' ', '']) {
      for (const left of EDGES) {
        for (const right of EDGES) {
          const joined = `${left}${separator}${right}`;
          expect(
            countJoined(left, countTokens(left), separator, right, countTokens(right)),
            JSON.stringify(joined),
          ).toBe(countTokens(joined));
        }
      }
    }
  });

  it('stays exact when folding many texts together', () => {
    const texts = EDGES.filter((text) => text.trim() !== '');
    let text = texts[0] ?? '';
    let tokens = countTokens(text);
    for (const next of texts.slice(1)) {
      tokens = countJoined(text, tokens, '\n\n', next, countTokens(next));
      text = `${text}\n\n${next}`;
      expect(tokens).toBe(countTokens(text));
    }
  });

  it('is exact on random texts (seeded)', () => {
    const words = [
      'the',
      'API',
      "'s",
      "'ll",
      '12',
      '345',
      '.',
      '...',
      '!\n',
      '\n',
      '  ',
      '\t',
      'é',
      '日本',
      '😀',
      '-',
      '|',
      '"',
      'x.y',
      '\u00a0',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const text = () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
        const word = words[Math.floor(random() * words.length)] ?? '';
        return random() < 0.6 ? `${word} ` : word;
      }).join('');
    for (let i = 0; i < 500; i++) {
      const [left, right] = [text(), text()];
      expect(countJoined(left, countTokens(left), '\n\n', right, countTokens(right))).toBe(
        countTokens(`${left}\n\n${right}`),
      );
    }
  });
});
