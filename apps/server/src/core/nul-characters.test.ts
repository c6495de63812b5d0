import { messageContentSchema, type MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { pathOfNulCharacter, withoutNulCharacters } from './nul-characters.js';

describe('NUL characters', () => {
  it('finds the first one, in a value or a key', () => {
    expect(pathOfNulCharacter({ a: ['x', 'y\u0000'] })).toEqual(['a', '1']);
    expect(pathOfNulCharacter({ a: { 'k\u0000': 1 } })).toEqual(['a', 'k\u0000']);
    expect(pathOfNulCharacter({ a: ['x', 1, null, true] })).toBeUndefined();
  });

  it('replaces them in message content, and leaves clean content untouched', () => {
    const clean: MessageContent = { type: 'text', text: 'Hello' };
    expect(withoutNulCharacters(clean, messageContentSchema)).toBe(clean);
    const dirty: MessageContent = {
      type: 'quick_replies',
      text: 'Pick\u0000',
      replies: [{ id: 'a\u0000', title: 'A' }],
    };
    expect(withoutNulCharacters(dirty, messageContentSchema)).toEqual({
      type: 'quick_replies',
      text: 'Pick\uFFFD',
      replies: [{ id: 'a\uFFFD', title: 'A' }],
    });
  });
});
