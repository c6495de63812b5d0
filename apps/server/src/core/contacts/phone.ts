import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DomainError } from '../errors/domain-error.js';

/** Longer input is not a phone number; refusing it early keeps the parser's work bounded. */
const MAX_INPUT_LENGTH = 40;

export interface PhoneOptions {
  /**
   * ISO 3166 region (e.g. `GB`) to read numbers without `+` as national numbers of. Without
   * it such numbers are read as international (`1-212-555-0100` → `+12125550100`), which is
   * what API clients that drop the `+` mean (WotNot's own examples do).
   */
  readonly defaultRegion?: CountryCode | undefined;
  /** Field name for the error's path and message (default `phone`). */
  readonly field?: string | undefined;
}

/**
 * Normalises a phone number to E.164 (`+<country code><number>`), the one form contacts and
 * channel numbers are stored and matched in.
 *
 * A number must be *valid*, not merely of a possible length: libphonenumber checks it
 * against the numbering plan of its country. So the seed's own examples (`+1212555`,
 * `+111221555`, and `1-123-1231230` whose area code 123 does not exist) are rejected with
 * a clear error rather than stored as contacts nobody can ever reach. An extension
 * (`… ext. 12`) cannot be expressed in E.164 and is dropped.
 */
export function normalizePhone(input: string, options: PhoneOptions = {}): string {
  const normalized = tryNormalizePhone(input, options);
  if (normalized === undefined) throw invalidPhone(options.field ?? 'phone');
  return normalized;
}

/**
 * Like `normalizePhone`, but answers undefined instead of throwing (channel input). It does
 * not throw and catch: a channel's sender ids are often not phone numbers at all, and an
 * error's stack costs more than the parse.
 */
export function tryNormalizePhone(input: string, options: PhoneOptions = {}): string | undefined {
  const text = input.trim();
  if (text === '' || text.length > MAX_INPUT_LENGTH) return undefined;
  const parsed =
    options.defaultRegion === undefined
      ? parsePhoneNumberFromString(asInternational(text))
      : parsePhoneNumberFromString(text, options.defaultRegion);
  return parsed?.isValid() === true ? parsed.number : undefined;
}

/**
 * Reads a number typed without `+` as international: the `00` international call prefix
 * (no country code starts with 0, so this is unambiguous) or the bare digits.
 */
function asInternational(text: string): string {
  if (text.startsWith('+')) return text;
  const compact = text.replace(/[\s().-]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : `+${text}`;
}

function invalidPhone(field: string): DomainError {
  const message = `"${field}" must be a valid phone number`;
  return new DomainError('BAD_REQUEST', {
    message,
    issues: [
      {
        path: [field],
        message: `${message} in international format, e.g. +12125550100`,
      },
    ],
  });
}
