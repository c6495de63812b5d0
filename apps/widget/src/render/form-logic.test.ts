import { describe, expect, it } from 'vitest';
import { acceptsType, formatBytes } from './files.js';
import { fieldError, formReply, type Form } from './form-logic.js';

const form: Form = {
  type: 'form',
  submitLabel: 'Send',
  fields: [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'email', label: 'E-mail', kind: 'email', required: false },
    { name: 'size', label: 'Size', kind: 'select', required: false, options: ['Small', 'Large'] },
  ],
};
const [name, email, size] = form.fields;

describe('form answers', () => {
  it('checks fields like the form block', () => {
    if (name === undefined || email === undefined || size === undefined) throw new Error();
    expect(fieldError(name, '  ')).toBe('This field is required.');
    expect(fieldError(email, '')).toBeNull();
    expect(fieldError(email, 'nope')).toBe('Enter a valid e-mail address.');
    expect(fieldError(email, 'a@b.co')).toBeNull();
    expect(fieldError(size, 'large')).toBeNull();
    expect(fieldError(size, 'Huge')).toBe('Choose one of the options.');
  });

  it('sends the filled-in fields with a summary title', () => {
    expect(formReply(form, { name: ' Ann ', email: '', size: 'Large' })).toEqual({
      type: 'reply',
      replyTo: 'form',
      title: 'Name: Ann\nSize: Large',
      values: { name: 'Ann', size: 'Large' },
    });
    expect(formReply(form, { name: 'x'.repeat(300) }).title).toHaveLength(256);
  });
});

describe('files', () => {
  it('formats sizes', () => {
    expect([0, 1023, 1536, 10 * 1024 * 1024].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.5 KB',
      '10 MB',
    ]);
  });

  it('matches accept patterns like the collect-file block', () => {
    expect(acceptsType([], 'text/plain')).toBe(true);
    expect(acceptsType(['image/*'], 'image/png')).toBe(true);
    expect(acceptsType(['application/pdf'], 'application/PDF')).toBe(true);
    expect(acceptsType(['image/*', 'application/pdf'], 'text/plain')).toBe(false);
    expect(acceptsType(['image/png'], '')).toBe(true);
  });
});
