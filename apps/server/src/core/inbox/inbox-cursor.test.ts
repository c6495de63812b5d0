import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor.js';

describe('inbox cursor', () => {
  it('round-trips a position as URL-safe text', () => {
    const position = { lastMessageAt: 1_767_225_600_123, id: 42 };
    const cursor = encodeInboxCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeInboxCursor(cursor)).toEqual(position);
  });

  it.each([
    'not-base64-json',
    '',
    Buffer.from('{"t":1}').toString('base64url'),
    Buffer.from('{"t":-1,"i":3}').toString('base64url'),
    Buffer.from('{"t":1.5,"i":3}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
  ])('refuses %j as a 400', (cursor) => {
    expect(() => decodeInboxCursor(cursor)).toThrow(DomainError);
    expect(() => decodeInboxCursor(cursor)).toThrow(/cursor is not valid/);
  });
});
