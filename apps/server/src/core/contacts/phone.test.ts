import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import { normalizePhone, tryNormalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['+1 212-555-0100', '+12125550100'],
    ['+1 (212) 555-0100', '+12125550100'],
    ['1-212-555-0100', '+12125550100'], // the seed's "1-123-1231230" style, without "+"
    ['12125550100', '+12125550100'],
    ['  +44 20 7946 0958 ', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'], // 00 international prefix
    ['+91 98765 43210', '+919876543210'],
    ['+1 212 555 0100 ext. 7', '+12125550100'], // E.164 has no extensions
  ])('reads %j as %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('reads numbers without "+" as national ones of a default region', () => {
    expect(normalizePhone('020 7946 0958', { defaultRegion: 'GB' })).toBe('+442079460958');
    expect(normalizePhone('(212) 555-0100', { defaultRegion: 'US' })).toBe('+12125550100');
    expect(normalizePhone('+91 98765 43210', { defaultRegion: 'US' })).toBe('+919876543210');
  });

  it.each([
    '+1212555', // the seed's own examples: too short for any numbering plan
    '+111221555',
    '1-123-1231230', // possible length, but area code 123 does not exist
    '(212) 555-0100', // no region given, so read as +212…: not a valid Moroccan number
    'not a phone',
    '',
    '   ',
    '+1'.padEnd(60, '2'),
  ])('rejects %j with a clear error', (input) => {
    let caught: unknown;
    try {
      normalizePhone(input);
    } catch (error) {
      caught = error;
    }
    expect(isDomainError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'BAD_REQUEST',
      message: '"phone" must be a valid phone number',
      issues: [{ path: ['phone'] }],
    });
    expect(tryNormalizePhone(input)).toBeUndefined();
  });

  it('names the field it was given', () => {
    expect(() => normalizePhone('nope', { field: 'to.phone' })).toThrow(
      '"to.phone" must be a valid phone number',
    );
  });
});
